"""Input shapes of the training core screens (programmes, steps, sessions, certificates)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from .models import Programme, Session, Step

COMMON_ZONES = ("Europe/Berlin", "Europe/London", "UTC", "America/New_York", "Asia/Shanghai")


class BootstrapMixin:
    """Bootstrap classes on every widget, ``is-invalid`` on fields with errors."""

    def style(self) -> None:
        form: Any = self
        errors = form._errors or {}  # never trigger validation from here (choices may not be set yet)
        for name, field in form.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            if name in errors:
                css += " is-invalid"
            widget.attrs["class"] = css
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}_help"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.style()


def _zone_choices() -> list[tuple[str, str]]:
    rest = sorted(z for z in available_timezones() if z not in COMMON_ZONES and "/" in z)
    return [(z, z) for z in (*COMMON_ZONES, *rest)]


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


class StepForm(BootstrapMixin, forms.ModelForm):
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


class SessionForm(BootstrapMixin, forms.ModelForm):
    online_url = forms.URLField(label=gettext_lazy("Online link"), required=False, assume_scheme="https")
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at (local time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=gettext_lazy("In the time zone below."),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=())
    trainers_text = forms.CharField(
        label=gettext_lazy("Trainers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("E-mail addresses, one per line or separated by commas."),
    )

    class Meta:
        model = Session
        fields = (
            "title",
            "description",
            "starts_at",
            "time_zone",
            "duration_minutes",
            "place",
            "online_url",
            "capacity",
            "step",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, programme: Programme, can_set_trainers: bool = True, **kwargs: Any) -> None:
        instance: Session | None = kwargs.get("instance")
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zone_choices()  # type: ignore[attr-defined]
        self.fields["step"].queryset = Step.objects.filter(programme=programme, kind=Step.Kind.SESSION).order_by(  # type: ignore[attr-defined]
            "position", "id"
        )
        if instance is not None and instance.pk:
            # Show the stored instant in the session's own zone, as the trainer planned it.
            self.initial["starts_at"] = instance.local_starts_at.replace(tzinfo=None)
            self.initial["trainers_text"] = "\n".join(u.email for u in instance.trainers.order_by("email"))
        if not can_set_trainers:
            del self.fields["trainers_text"]
        self.trainer_ids: list[int] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, zone = data.get("starts_at"), data.get("time_zone")
        if isinstance(starts, datetime) and zone:
            naive = timezone.make_naive(starts) if timezone.is_aware(starts) else starts
            aware = naive.replace(tzinfo=ZoneInfo(zone))
            if aware <= timezone.now() and not (self.instance and self.instance.pk):
                self.add_error("starts_at", _("Please choose a time in the future."))
            data["starts_at"] = aware
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("Please give a place or an online link."))
        if "trainers_text" in self.fields:
            emails = [
                e.strip().lower() for e in (data.get("trainers_text") or "").replace(",", "\n").split() if e.strip()
            ]
            found = dict(get_user_model().objects.filter(email__in=emails, is_active=True).values_list("email", "pk"))
            found = {k.lower(): v for k, v in found.items()}
            missing = [e for e in emails if e not in found]
            if missing:
                self.add_error(
                    "trainers_text", _("Nobody has these e-mail addresses: %(list)s") % {"list": ", ".join(missing)}
                )
            self.trainer_ids = sorted(set(found.values()))
        return data


class ExerciseAnswerForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )


class RevokeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class CancelSessionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (sent to everyone booked)"), max_length=300, required=False)


class CohortForm(BootstrapMixin, forms.Form):
    cohort = forms.CharField(label=gettext_lazy("Cohort"), max_length=60)
