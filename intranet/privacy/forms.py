from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StaffExportForm(forms.Form):
    person = forms.CharField(
        label=_("Person (e-mail address or handle)"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
