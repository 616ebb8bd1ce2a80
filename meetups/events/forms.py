"""Input shapes for the series and event screens. Writes and their rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags, parse_tags

from intranet.accounts.forms import BootstrapMixin, PersonPicker
from intranet.core.idempotency import IdempotentFormMixin
from meetups.organisations.selectors import external_people_for_choice, organisations_for_choice

from .models import Format, Language, MeetupEvent, MeetupSeries
from .selectors import MAX_QUERY_LENGTH, DirectoryFilters, Tab, colleagues_by_handle_or_email
from .services.recurrence import time_zone_choices

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
    recurrence_rule = forms.CharField(
        label=_("Recurrence rule"),
        required=False,
        max_length=300,
        help_text=_(
            "An iCalendar RRULE, for example FREQ=MONTHLY;BYDAY=+2TU for every second Tuesday. Empty for single dates."
        ),
    )
    recurrence_start = forms.DateField(
        label=_("First day of the rule"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    default_start_time = forms.TimeField(
        label=_("Start time"), initial=dt.time(18, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="Europe/Berlin")
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
            "recurrence_rule": series.recurrence_rule,
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
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
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
