"""Input shapes for the inbox, the inbox settings and saved replies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.inbox.models import InboxItem
from communities.inbox.selectors import SORTS, STATUS_FILTERS, InboxFilters
from intranet.accounts.forms import BootstrapMixin, PersonField
from intranet.core.forms import IsoDateTimeInput
from intranet.core.idempotency import IdempotentFormMixin
from intranet.core.timezones import time_zone_choices
from intranet.core.web import apply_errors

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

STATUS_LABELS = {
    "open": pgettext_lazy("state", "Open"),
    "new": _("New"),
    "claimed": _("Claimed"),
    "waiting": _("Waiting"),
    "snoozed": _("Snoozed"),
    "escalated": _("Escalated"),
    "done": _("Done"),
    "all": _("All"),
}

SORT_LABELS = {"newest": _("Newest first"), "oldest": _("Oldest first"), "due": _("Due first")}

SNOOZE_CHOICES = [
    ("1h", _("for an hour")),
    ("4h", _("for four hours")),
    ("1d", _("until tomorrow")),
    ("3d", _("for three days")),
    ("7d", _("for a week")),
]
SNOOZE_DELTAS = {
    "1h": dt.timedelta(hours=1),
    "4h": dt.timedelta(hours=4),
    "1d": dt.timedelta(days=1),
    "3d": dt.timedelta(days=3),
    "7d": dt.timedelta(days=7),
}


class InboxFilterForm(forms.Form):
    """The inbox's query parameters; invalid values fall back to "no filter"."""

    community = forms.IntegerField(required=False, min_value=1)
    kind = forms.ChoiceField(required=False, choices=[("", _("All types")), *InboxItem.Kind.choices])
    status = forms.ChoiceField(required=False, choices=[(key, STATUS_LABELS[key]) for key in STATUS_FILTERS])
    assignee = forms.CharField(required=False, max_length=20)
    sort = forms.ChoiceField(required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS])
    cursor = forms.CharField(required=False, max_length=500)

    def filters(self) -> InboxFilters:
        self.is_valid()  # invalid fields are left out of cleaned_data: "no filter" for them
        data: dict[str, Any] = self.cleaned_data
        assignee = str(data.get("assignee") or "")
        if assignee not in ("me", "none") and not assignee.isdigit():
            assignee = ""
        return InboxFilters(
            community=data.get("community") or None,
            kind=str(data.get("kind") or ""),
            status=str(data.get("status") or "open"),
            assignee=assignee,
            sort=str(data.get("sort") or "newest"),
        )

    def cursor_value(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("cursor") or "")


class SnoozeForm(forms.Form):
    snooze = forms.ChoiceField(label=_("Snooze"), choices=SNOOZE_CHOICES, required=False)
    until = forms.DateTimeField(
        label=_("or until"),
        required=False,
        widget=IsoDateTimeInput(attrs={"class": "form-control form-control-sm", "id": "snooze-until"}),
    )
    wake = forms.BooleanField(required=False)

    def until_value(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """The chosen moment, ``None`` for "wake now"; raises ``ValidationError`` when nothing fits."""
        if not self.is_valid():
            if "until" in self.errors:
                raise ValidationError(_("Enter the moment as YYYY-MM-DD HH:MM, for example 2026-12-31 18:30."))
            raise ValidationError(_("Choose how long to snooze."))
        if self.cleaned_data.get("wake"):
            return None
        until = self.cleaned_data.get("until")
        if until is not None:
            return until if timezone.is_aware(until) else timezone.make_aware(until)
        choice = self.cleaned_data.get("snooze")
        if choice in SNOOZE_DELTAS:
            return (now or timezone.now()) + SNOOZE_DELTAS[choice]
        raise ValidationError(_("Choose how long to snooze."))


class ResolveForm(forms.Form):
    action = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=1000)
    body = forms.CharField(required=False, max_length=10000)


class ReasonOnlyForm(forms.Form):
    reason = forms.CharField(required=False, max_length=1000)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AssignForm(forms.Form):
    """The person picker's handle (or e-mail address); empty gives the item back to nobody."""

    assignee = PersonField(label=_("Assign to"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s, label) for s, label in InboxItem.Status.choices if s != InboxItem.Status.DONE]
    )


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("claim", "claim"), ("snooze", "snooze"), ("resolve", "resolve")])
    items = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    snooze = forms.ChoiceField(choices=SNOOZE_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any ids: the service keeps only those the viewer may work.
        raw = self.data.getlist("items") if hasattr(self.data, "getlist") else []
        self.fields["items"].choices = [(value, value) for value in raw if str(value).isdigit()]  # type: ignore[attr-defined]


class InboxSettingsForm(BootstrapMixin, forms.Form):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    service_days = forms.TypedMultipleChoiceField(
        label=_("Service days"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    service_start_hour = forms.TypedChoiceField(
        label=_("Service starts at"), choices=[(h, f"{h:02d}:00") for h in range(24)], coerce=int
    )
    service_end_hour = forms.TypedChoiceField(
        label=_("Service ends at"), choices=[(h, f"{h:02d}:00") for h in range(1, 25)], coerce=int
    )
    first_response_minutes = forms.IntegerField(
        label=_("First response within (minutes of service time)"), min_value=1, max_value=60 * 24 * 14
    )
    unanswered_after_minutes = forms.IntegerField(
        label=_("A question counts as unanswered after (minutes)"), min_value=10, max_value=60 * 24 * 60
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()
        self.fields["service_days"].widget.attrs["class"] = "form-check-input"

    def add_service_errors(self, exc: ValidationError) -> None:
        apply_errors(self, exc)


class SavedReplyForm(IdempotentFormMixin, BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body_du = forms.CharField(
        label=_("Text, informal (du)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    body_sie = forms.CharField(
        label=_("Text, formal (Sie)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    community = forms.TypedChoiceField(label=_("Belongs to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, communities: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("Only me")), *(communities or [])]  # type: ignore[attr-defined]
        self._style_widgets()

    def add_service_errors(self, exc: ValidationError) -> None:
        apply_errors(self, exc)
