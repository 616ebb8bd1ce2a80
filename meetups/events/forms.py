"""Input shapes for the series and event screens. Writes and their rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags, parse_tags

from intranet.accounts.forms import BootstrapMixin, PersonPicker
from intranet.core.forms import IsoDateInput, TimeOfDayInput
from intranet.core.idempotency import IdempotentFormMixin
from intranet.core.timezones import time_zone_choices
from meetups.organisations.selectors import external_people_for_choice, organisations_for_choice

from .models import DEFAULT_TIME_ZONE, Format, Language, MeetupEvent, MeetupSeries
from .rules import (
    DAY_CODES,
    MAX_COUNT,
    MAX_INTERVAL,
    MONTH_DAY_CHOICES,
    ORDINAL_CHOICES,
    Ends,
    Pattern,
    Repeat,
    pattern_to_rule,
    rule_to_pattern,
)
from .selectors import MAX_QUERY_LENGTH, DirectoryFilters, Tab, colleagues_by_handle_or_email

# Directory ---------------------------------------------------------------------------------------


class DirectoryForm(forms.Form):
    """The directory's query parameters; invalid values fall back to "no filter"."""

    tab = forms.ChoiceField(required=False, choices=[(t, t) for t in Tab.choices])
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)
    topic = forms.SlugField(required=False, max_length=100, allow_unicode=True)
    city = forms.CharField(required=False, max_length=100)
    format = forms.ChoiceField(required=False, choices=[("", ""), *Format.choices])
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    org = forms.IntegerField(required=False, min_value=1)
    cursor = forms.CharField(required=False, max_length=500)

    def filters(self) -> DirectoryFilters:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return DirectoryFilters(
            tab=data.get("tab") or Tab.UPCOMING,
            query=(data.get("q") or "").strip(),
            topic=data.get("topic") or "",
            city=(data.get("city") or "").strip(),
            format=data.get("format") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            organisation=data.get("org"),
        )

    def cursor_value(self) -> str:
        return (self.cleaned_data.get("cursor") or "") if self.is_valid() else ""


# Series ------------------------------------------------------------------------------------------

WEEKDAY_CHOICES = [(day, WEEKDAYS[day]) for day in range(len(DAY_CODES))]


def picker_initial(series: MeetupSeries) -> dict[str, Any]:
    """The picker's fields showing the series' rule; the custom rule field if the picker cannot."""
    pattern = rule_to_pattern(series.recurrence_rule, zone=series.zone)
    if pattern is None:
        return {"repeat": Repeat.CUSTOM, "recurrence_rule": series.recurrence_rule}
    return {
        "repeat": pattern.repeat,
        "repeat_interval": pattern.interval,
        "repeat_weekdays": list(pattern.weekdays) if pattern.repeat == Repeat.WEEKLY else [],
        "repeat_weekday": pattern.weekdays[0] if pattern.repeat == Repeat.MONTHLY_WEEKDAY else None,
        "repeat_ordinal": pattern.ordinal,
        "repeat_month_day": pattern.month_day,
        "repeat_ends": pattern.ends,
        "repeat_until": pattern.until,
        "repeat_count": pattern.count,
        "recurrence_rule": series.recurrence_rule,
    }


class PeopleField(forms.CharField):
    """Colleagues by handle or e-mail address, separated by commas (resolved in one query)."""

    def clean(self, value: Any) -> list[Any]:  # type: ignore[override]
        text = super().clean(value) or ""
        tokens = [t.strip().lstrip("@") for t in text.replace(";", ",").split(",") if t.strip()]
        if not tokens:
            return []
        users, missing = colleagues_by_handle_or_email(tokens)
        if missing:
            raise ValidationError(
                _("Nobody found for: %(names)s. Use handles or e-mail addresses."), params={"names": ", ".join(missing)}
            )
        return users


class SeriesForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    tags = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=800,
        help_text=_("Separate topics with commas, e.g. python, data, community management."),
    )
    hashtag = forms.CharField(label=_("Hashtag"), required=False, max_length=60, help_text=_("Without the # sign."))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is supported."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organising organisations"),
        required=False,
        queryset=organisations_for_choice(),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    organisers = PeopleField(
        label=_("Organisers"),
        required=False,
        max_length=2000,
        help_text=_("Start typing a colleague's name and choose them from the list. You are added anyway."),
        widget=PersonPicker(multiple=True, include_self=False),
    )
    external_organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers from outside"),
        required=False,
        queryset=external_people_for_choice(),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    # The recurrence picker: builds ``recurrence_rule`` in ``clean`` (see meetups.events.rules).
    repeat = forms.ChoiceField(label=_("Repeats"), required=False, choices=Repeat.choices)
    repeat_interval = forms.IntegerField(
        label=_("Every how many weeks"), required=False, min_value=1, max_value=MAX_INTERVAL, initial=1
    )
    repeat_weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        required=False,
        coerce=int,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),
    )
    repeat_ordinal = forms.TypedChoiceField(
        label=_("Which one"), required=False, coerce=int, choices=ORDINAL_CHOICES, initial=1
    )
    repeat_weekday = forms.TypedChoiceField(label=_("Weekday"), required=False, coerce=int, choices=WEEKDAY_CHOICES)
    repeat_month_day = forms.TypedChoiceField(
        label=_("Day of the month"),
        required=False,
        coerce=int,
        choices=MONTH_DAY_CHOICES,
        help_text=_("Months without this day are skipped."),
    )
    repeat_ends = forms.ChoiceField(label=_("Ends"), required=False, choices=Ends.choices, initial=Ends.NEVER)
    repeat_until = forms.DateField(label=_("Last possible date"), required=False, widget=IsoDateInput())
    repeat_count = forms.IntegerField(label=_("Number of dates"), required=False, min_value=1, max_value=MAX_COUNT)
    recurrence_rule = forms.CharField(
        label=_("Recurrence rule"),
        required=False,
        max_length=300,
        help_text=_("For experts: an iCalendar RRULE, for example FREQ=MONTHLY;BYDAY=+2TU for every second Tuesday."),
    )
    recurrence_start = forms.DateField(label=_("First day of the rule"), required=False, widget=IsoDateInput())
    default_start_time = forms.TimeField(label=_("Start time"), initial=dt.time(18, 0), widget=TimeOfDayInput())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial=DEFAULT_TIME_ZONE)
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=5, max_value=24 * 60, initial=90)
    default_place = forms.CharField(label=_("Place"), required=False, max_length=300)
    default_online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    default_capacity = forms.IntegerField(
        label=_("Seats"), required=False, min_value=1, max_value=100000, help_text=_("Empty for unlimited.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        data["recurrence_rule"] = self._rule_from_picker(data)
        return data

    def _rule_from_picker(self, data: dict[str, Any]) -> str:
        """The RRULE the picker describes; a form without a choice (an older client) sends the rule."""
        repeat = data.get("repeat") or (Repeat.CUSTOM if data.get("recurrence_rule") else Repeat.NONE)
        if repeat == Repeat.CUSTOM:
            return str(data.get("recurrence_rule") or "").strip()
        if repeat == Repeat.NONE:
            return ""
        errors: dict[str, Any] = {}
        weekdays: tuple[int, ...] = ()
        if repeat == Repeat.WEEKLY:
            weekdays = tuple(data.get("repeat_weekdays") or ())
            if not weekdays:
                errors["repeat_weekdays"] = _("Choose at least one weekday.")
        elif repeat == Repeat.MONTHLY_WEEKDAY:
            if data.get("repeat_weekday") in (None, ""):
                errors["repeat_weekday"] = _("Choose a weekday.")
            else:
                weekdays = (data["repeat_weekday"],)
            if data.get("repeat_ordinal") in (None, ""):
                errors["repeat_ordinal"] = _("Choose which weekday of the month.")
        elif repeat == Repeat.MONTHLY_DAY and data.get("repeat_month_day") in (None, ""):
            errors["repeat_month_day"] = _("Choose a day of the month.")
        ends = data.get("repeat_ends") or Ends.NEVER
        if ends == Ends.UNTIL:
            until = data.get("repeat_until")
            if until is None:
                errors["repeat_until"] = _("Enter the last possible date.")
            elif data.get("recurrence_start") and until < data["recurrence_start"]:
                errors["repeat_until"] = _("The last date cannot be before the first day of the rule.")
        if ends == Ends.COUNT and not data.get("repeat_count"):
            errors["repeat_count"] = _("Enter how many dates there are.")
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        if self.errors:
            return ""
        pattern = Pattern(
            repeat=repeat,
            interval=data.get("repeat_interval") or 1,
            weekdays=weekdays,
            ordinal=data.get("repeat_ordinal") or 1,
            month_day=data.get("repeat_month_day") or 1,
            ends=ends,
            until=data.get("repeat_until"),
            count=data.get("repeat_count"),
        )
        return pattern_to_rule(pattern, zone=ZoneInfo(data.get("time_zone") or DEFAULT_TIME_ZONE))

    @staticmethod
    def initial_for(series: MeetupSeries) -> dict[str, Any]:
        return {
            "title": series.title,
            "tags": edit_string_for_tags(list(series.tags.all())),
            "hashtag": series.hashtag,
            "description": series.description,
            "format": series.format,
            "city": series.city,
            "language": series.language,
            "organisations": list(series.organisations.all()),
            "organisers": ", ".join(u.handle for u in series.organisers.all()),
            "external_organisers": list(series.external_organisers.all()),
            **picker_initial(series),
            "recurrence_start": series.recurrence_start,
            "default_start_time": series.default_start_time,
            "time_zone": series.time_zone,
            "duration_minutes": series.duration_minutes,
            "default_place": series.default_place,
            "default_online_url": series.default_online_url,
            "default_capacity": series.default_capacity,
        }


# Events ------------------------------------------------------------------------------------------


class EventForm(BootstrapMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), required=False, max_length=160, help_text=_("Empty: the title of the series.")
    )
    date = forms.DateField(label=_("Date"), widget=IsoDateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeOfDayInput())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=5, max_value=24 * 60)
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label=_("Seats"), required=False, min_value=1, max_value=100000, help_text=_("Empty for unlimited.")
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is supported."),
    )
    recording_url = forms.URLField(label=_("Recording"), required=False, assume_scheme="https")
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Minutes, slides, links: shown with the past meetup. Markdown is supported."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        local = dt.datetime.combine(data["date"], data["time"], tzinfo=ZoneInfo(data["time_zone"]))
        return local

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": self.starts_at(),
            "time_zone": data["time_zone"],
            "duration_minutes": data["duration_minutes"],
            "place": data["place"],
            "online_url": data["online_url"],
            "capacity": data["capacity"],
            "agenda": data["agenda"],
            "recording_url": data["recording_url"],
            "notes": data["notes"],
        }

    @staticmethod
    def initial_for(event: MeetupEvent) -> dict[str, Any]:
        local = event.local_start
        return {
            "title": event.title,
            "date": local.date(),
            "time": local.time().replace(tzinfo=None),
            "time_zone": event.time_zone,
            "duration_minutes": event.duration_minutes,
            "place": event.place,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "agenda": event.agenda,
            "recording_url": event.recording_url,
            "notes": event.notes,
        }

    @staticmethod
    def initial_for_series(series: MeetupSeries) -> dict[str, Any]:
        return {
            "time": series.default_start_time,
            "time_zone": series.time_zone,
            "duration_minutes": series.duration_minutes,
            "place": series.default_place,
            "online_url": series.default_online_url,
            "capacity": series.default_capacity,
        }


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()


class SeriesCreateForm(IdempotentFormMixin, SeriesForm):
    """Creating a series: a :class:`SeriesForm` sent once, however often it is submitted."""


class EventCreateForm(IdempotentFormMixin, EventForm):
    """Adding a meetup: an :class:`EventForm` sent once, however often it is submitted."""
