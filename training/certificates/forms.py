"""Input shapes of the certificate screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from intranet.core.forms import BootstrapMixin


class RevokeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
