"""Time-zone choices: the common zones first with readable names, then the rest by region."""

from __future__ import annotations

import datetime as dt
from zoneinfo import available_timezones

from django import forms
from django.utils import translation

from intranet.core.timezones import DEFAULT_COMMON_TIME_ZONES, time_zone_choices, time_zone_label, utc_offset
from intranet.settings.env import Env

WINTER = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)
SUMMER = dt.datetime(2027, 7, 15, 12, 0, tzinfo=dt.UTC)


def test_common_zones_come_first_with_readable_names(settings) -> None:
    settings.COMMON_TIME_ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "UTC", "Mars/Olympus"]
    with translation.override("en"):
        groups = time_zone_choices(at=WINTER)
    label, common = groups[0]
    assert str(label) == "Common time zones"
    assert common == [
        ("Europe/Berlin", "Berlin (UTC+01:00)"),
        ("Europe/London", "London (UTC+00:00)"),
        ("America/New_York", "New York (UTC-05:00)"),
        ("UTC", "UTC"),
    ]


def test_labels_follow_daylight_saving_time() -> None:
    assert time_zone_label("Europe/Berlin", short=True, at=SUMMER) == "Berlin (UTC+02:00)"
    assert time_zone_label("America/Argentina/Buenos_Aires", at=WINTER) == "Argentina / Buenos Aires (UTC-03:00)"
    assert utc_offset("Asia/Kolkata", WINTER) == "UTC+05:30"


def test_the_rest_is_grouped_by_region_without_repeating_common_zones(settings) -> None:
    settings.COMMON_TIME_ZONES = list(DEFAULT_COMMON_TIME_ZONES)
    with translation.override("de"):
        groups = [(str(label), choices) for label, choices in time_zone_choices(at=WINTER)]
    names = [label for label, _choices in groups]
    assert names[0] == "Häufige Zeitzonen"
    assert {"Europa", "Amerika", "Asien", "Afrika", "Pazifik", "Indischer Ozean"} <= set(names)
    values = [value for _label, choices in groups for value, _text in choices]
    assert len(values) == len(set(values))  # every zone once
    europe = dict(dict(groups)["Europa"])
    assert "Europe/Berlin" not in europe and europe["Europe/Lisbon"] == "Lisbon (UTC+00:00)"
    assert "US/Eastern" not in values and "Etc/GMT+5" not in values  # legacy aliases left out
    assert set(values) <= available_timezones()
    assert 300 < len(values) < 500


def test_a_choice_field_accepts_grouped_zones_and_refuses_others() -> None:
    class Form(forms.Form):
        zone = forms.ChoiceField(choices=time_zone_choices)

    assert Form({"zone": "Pacific/Auckland"}).is_valid()
    assert Form({"zone": "Europe/Berlin"}).is_valid()
    form = Form({"zone": "Mars/Olympus"})
    assert not form.is_valid() and "zone" in form.errors


def _env() -> Env:
    """The environment without a developer's .env file."""
    return Env(_env_file=None)  # type: ignore[call-arg]  # pydantic-settings' init option


def test_common_zones_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("COMMON_TIME_ZONES", "Europe/Berlin, Asia/Tokyo ,America/Chicago")
    assert _env().common_time_zones == ["Europe/Berlin", "Asia/Tokyo", "America/Chicago"]
    monkeypatch.delenv("COMMON_TIME_ZONES")
    assert _env().common_time_zones == []  # the settings then use the European default
