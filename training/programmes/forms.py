"""Input shapes of the programme screens: programmes, steps, exercise answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from intranet.core.forms import BootstrapMixin
from intranet.core.idempotency import IdempotentFormMixin

from .models import Programme, Step


class ProgrammeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ("title", "description", "audience", "level", "is_basic", "validity_months", "published")
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_validity_months(self) -> int | None:
        value = self.cleaned_data.get("validity_months")
        if value is not None and not 1 <= value <= 120:
            raise forms.ValidationError(_("Between 1 and 120 months, or empty for no expiry."))
        return value


class ProgrammeCreateForm(IdempotentFormMixin, ProgrammeForm):
    """Creating a programme: a :class:`ProgrammeForm` sent once, however often it is submitted."""


class StepForm(IdempotentFormMixin, BootstrapMixin, forms.ModelForm):
    position = forms.IntegerField(
        label=gettext_lazy("Position"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=gettext_lazy("Steps are shown in ascending order; empty puts a new step last."),
    )
    page = forms.ModelChoiceField(
        label=gettext_lazy("Training material page"),
        queryset=Page.objects.none(),
        required=False,
        help_text=gettext_lazy("Optional: a page of the training material to read instead of (or with) the text."),
    )

    class Meta:
        model = Step
        fields = ("title", "kind", "body", "page", "required")
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "body": gettext_lazy("Markdown. For exercises: the task; for sessions and exams: what to expect."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = Page.objects.live().filter(depth__gt=1).order_by("path")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["position"] = self.instance.position


class ExerciseAnswerForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
