"""Input shapes of the certificate screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from intranet.core.forms import BootstrapMixin

from .models import is_certificate_code, normalise_certificate_code

#: What a person may type: the 12 characters with spaces or hyphens between groups, and some slack.
CODE_INPUT_MAX = 40


class CertificateLookupForm(BootstrapMixin, forms.Form):
    """The verification code as typed; ``cleaned_data["code"]`` is normalised (no spaces, capitals)."""

    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=CODE_INPUT_MAX,
        widget=forms.TextInput(
            attrs={"class": "font-monospace text-uppercase", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_certificate_code(self.cleaned_data["code"])
        if not is_certificate_code(code):
            raise forms.ValidationError(
                gettext_lazy("A verification code has 12 letters and digits, as printed on the certificate."),
                code="malformed",
            )
        return code


class RevokeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
