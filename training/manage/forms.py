"""Input shapes of the coordinator area."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from intranet.core.forms import BootstrapMixin


class CohortForm(BootstrapMixin, forms.Form):
    cohort = forms.CharField(label=gettext_lazy("Cohort"), max_length=60)
