"""Dates and times as people of each language write them: British English, German, ISO inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, time_format

from intranet.core.forms import IsoDateInput, IsoDateTimeInput, TimeOfDayInput

DAY = dt.date(2026, 5, 12)
MOMENT = dt.datetime(2026, 5, 12, 18, 30)


def test_english_uses_british_order_and_a_24_hour_clock() -> None:
    with translation.override("en"):
        assert date_format(DAY) == "12 May 2026"
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "12/05/2026"
        assert time_format(MOMENT.time()) == "18:30"
        assert date_format(MOMENT, "DATETIME_FORMAT") == "12 May 2026, 18:30"
        assert Template("{{ d|date }} {{ d|time }}").render(Context({"d": MOMENT})) == "12 May 2026 18:30"


def test_german_keeps_its_own_formats() -> None:
    with translation.override("de"):
        assert date_format(DAY) == "12. Mai 2026"
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "12.05.2026"
        assert time_format(MOMENT.time()) == "18:30"


class DateForm(forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField()
    time = forms.TimeField()


@pytest.mark.parametrize("language", ["en", "de"])
def test_inputs_show_iso_dates_and_24_hour_times(language: str) -> None:
    with translation.override(language):
        form = DateForm(initial={"day": DAY, "at": MOMENT, "time": MOMENT.time()})
        html = str(form["day"]) + str(form["at"]) + str(form["time"])
    assert 'value="2026-05-12"' in html
    assert 'value="2026-05-12 18:30"' in html
    assert 'value="18:30"' in html


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "2026-05-12", DAY),
        ("en", "12/05/2026", DAY),  # day first, never the US month first
        ("de", "2026-05-12", DAY),
        ("de", "12.05.2026", DAY),
    ],
)
def test_inputs_accept_iso_and_the_local_order(language: str, typed: str, expected: dt.date) -> None:
    with translation.override(language):
        form = DateForm({"day": typed, "at": "2026-05-12 18:30", "time": "18:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == expected
    assert form.cleaned_data["at"].replace(tzinfo=None) == MOMENT


class TypedForm(forms.Form):
    day = forms.DateField(widget=IsoDateInput())
    at = forms.DateTimeField(widget=IsoDateTimeInput())
    time = forms.TimeField(widget=TimeOfDayInput())


@pytest.mark.parametrize(("language", "placeholder"), [("en", "YYYY-MM-DD"), ("de", "JJJJ-MM-TT")])
def test_typed_inputs_are_text_with_iso_values_whatever_the_browser(language: str, placeholder: str) -> None:
    with translation.override(language):
        form = TypedForm(initial={"day": DAY, "at": MOMENT, "time": MOMENT.time()})
        day, at, time = str(form["day"]), str(form["at"]), str(form["time"])
    assert 'type="text"' in day and 'value="2026-05-12"' in day and f'placeholder="{placeholder}"' in day
    assert 'value="2026-05-12 18:30"' in at and 'type="text"' in at
    assert 'value="18:30"' in time and 'type="text"' in time
    assert 'type="date"' not in day + at + time


def test_typed_inputs_accept_what_browsers_and_people_send() -> None:
    with translation.override("en"):
        form = TypedForm({"day": "2026-05-12", "at": "2026-05-12T18:30", "time": "18:30"})
        assert form.is_valid(), form.errors
        refused = TypedForm({"day": "05/12/2026x", "at": "later", "time": "6 pm"})
        assert not refused.is_valid() and set(refused.errors) == {"day", "at", "time"}
