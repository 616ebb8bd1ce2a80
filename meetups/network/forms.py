"""Input shapes of the network screens (rules and validation of content live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.accounts.forms import BootstrapMixin
from intranet.core.idempotency import IdempotentFormMixin

from .models import MAX_ADVICE_TOPICS_LENGTH
from .selectors import NetworkFilters


class _Form(BootstrapMixin, forms.Form):
    """Bootstrap classes on every widget (``intranet.accounts.forms.BootstrapMixin``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class NetworkFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    skill = forms.SlugField(required=False, max_length=100)
    language = forms.CharField(required=False, max_length=40)
    category = forms.SlugField(required=False, max_length=100)
    cursor = forms.CharField(required=False, max_length=500)

    def filters(self) -> NetworkFilters:
        if not self.is_valid():
            return NetworkFilters()
        data = self.cleaned_data
        return NetworkFilters(
            query=data["q"].strip(), skill=data["skill"], language=data["language"].strip(), category=data["category"]
        )

    def cursor_value(self) -> str:
        return self.cleaned_data.get("cursor", "") if self.is_valid() else ""


class AdviceForm(IdempotentFormMixin, _Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("It starts (or continues) your direct conversation with this manager."),
    )


class NetworkProfileForm(_Form):
    opted_out = forms.BooleanField(
        label=_("Do not list me in the managers' network"),
        required=False,
        help_text=_("Colleagues will not find you in the network and cannot ask you for advice through it."),
    )
    advice_topics = forms.CharField(
        label=_("I am happy to advise on"),
        required=False,
        max_length=MAX_ADVICE_TOPICS_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: growing a new community, running Q&A sessions, moderation."),
    )
