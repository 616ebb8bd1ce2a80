"""Input shapes of the session screens: a session's settings and its cancellation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.accounts.forms import PersonField
from intranet.core.forms import BootstrapMixin, IsoDateTimeInput
from intranet.core.idempotency import IdempotentFormMixin
from intranet.core.timezones import time_zone_choices
from training.programmes.models import Programme, Step

from .models import Session
from .selectors import trainer_ids_by_handle_or_email


class SessionForm(BootstrapMixin, forms.ModelForm):
    online_url = forms.URLField(label=gettext_lazy("Online link"), required=False, assume_scheme="https")
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at (local time)"),
        widget=IsoDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=gettext_lazy("In the time zone below."),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=())
    trainers_text = PersonField(
        label=gettext_lazy("Trainers"),
        multiple=True,
        required=False,
        help_text=gettext_lazy("Start typing a name and choose the trainers from the list."),
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
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]
        self.fields["step"].queryset = Step.objects.filter(programme=programme, kind=Step.Kind.SESSION).order_by(  # type: ignore[attr-defined]
            "position", "id"
        )
        if instance is not None and instance.pk:
            # Show the stored instant in the session's own zone, as the trainer planned it.
            self.initial["starts_at"] = instance.local_starts_at.replace(tzinfo=None)
            trainers = list(instance.trainers.order_by("display_name", "id"))
            self.initial["trainers_text"] = [u.handle for u in trainers]
            self.fields["trainers_text"].widget.people = [(u.handle, u.display_name) for u in trainers]
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
            self.trainer_ids, missing = trainer_ids_by_handle_or_email(data.get("trainers_text") or [])
            if missing:
                message = _("Nobody here by these names, handles or e-mail addresses: %(list)s")
                self.add_error("trainers_text", message % {"list": ", ".join(missing)})
        return data


class SessionCreateForm(IdempotentFormMixin, SessionForm):
    """Creating a session: a :class:`SessionForm` sent once, however often it is submitted."""


class CancelSessionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (sent to everyone booked)"), max_length=300, required=False)
