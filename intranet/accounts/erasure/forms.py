"""Input of the erasure pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REASON_MAX


class ErasureRequestForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        max_length=254,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        help_text=_("Their handle (e.g. anna.schmidt) or e-mail address."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("For the record, e.g. the ticket of the person's request. Do not repeat personal data here."),
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=_("Required when you reject the request."),
    )
