"""Input shapes of the notification screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import Delivery

FILTERS = (("all", _("All")), ("unread", _("Unread")))


class CentreForm(forms.Form):
    filter = forms.ChoiceField(choices=FILTERS, required=False)
    cursor = forms.CharField(required=False, max_length=500)

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "all", ""
        return self.cleaned_data["filter"] or "all", self.cleaned_data["cursor"] or ""


class OverrideForm(forms.Form):
    """A per-community override; choices are filled per person by the view."""

    scope = forms.ChoiceField(label=_("Community"), choices=())
    kind = forms.ChoiceField(label=_("Notification"), choices=())
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)

    def __init__(self, *args: object, scopes: list[tuple[str, str]], kinds: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
