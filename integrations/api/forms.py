from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccessToken

LIFETIMES = [
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, e.g. “Team dashboard”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=AccessToken.Scope.choices,
        initial=AccessToken.Scope.READ,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    lifetime = forms.ChoiceField(
        label=_("Expires after"), choices=LIFETIMES, initial="30", widget=forms.Select(attrs={"class": "form-select"})
    )
