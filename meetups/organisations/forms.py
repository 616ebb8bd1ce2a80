"""Input shapes of the organisation and people-from-outside forms (rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.accounts.forms import BootstrapMixin
from intranet.core.idempotency import IdempotentFormMixin

from .models import Organisation
from .selectors import organisations_for_choice


class OrganisationForm(IdempotentFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices, initial=Organisation.Kind.EXTERNAL)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class ExternalPersonForm(IdempotentFormMixin, BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=organisations_for_choice())
    role = forms.CharField(label=_("Role or title"), required=False, max_length=160)
    email = forms.EmailField(
        label=_("E-mail address"), required=False, help_text=_("Visible to organisers and coordinators only.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()
