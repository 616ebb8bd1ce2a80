"""The service-level arithmetic: service time only, across days, weekends, DST and time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.inbox.hooks import first_response_due
from communities.inbox.service_hours import (
    ServiceHours,
    add_service_time,
    service_time_between,
)
from communities.models import InboxSettings

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)

EVERY_DAY_8_24 = ServiceHours(tz=BERLIN)  # Mon-Sun 08:00-24:00
WEEKDAYS_9_17 = ServiceHours(tz=BERLIN, days=frozenset(range(5)), start_minute=9 * 60, end_minute=17 * 60)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_inside_one_window_adds_plainly() -> None:
    assert add_service_time(berlin(2026, 3, 4, 10, 0), 4 * H, EVERY_DAY_8_24) == berlin(2026, 3, 4, 14, 0)


def test_time_before_opening_starts_at_opening() -> None:
    assert add_service_time(berlin(2026, 3, 4, 3, 15), 2 * H, EVERY_DAY_8_24) == berlin(2026, 3, 4, 10, 0)


def test_spills_over_midnight_into_the_next_window() -> None:
    # 22:00 + 4h: two hours tonight (until 24:00), two tomorrow from 08:00.
    assert add_service_time(berlin(2026, 3, 4, 22, 0), 4 * H, EVERY_DAY_8_24) == berlin(2026, 3, 5, 10, 0)


def test_exactly_at_closing_moves_to_the_next_opening() -> None:
    assert add_service_time(berlin(2026, 3, 4, 17, 0), 30 * M, WEEKDAYS_9_17) == berlin(2026, 3, 5, 9, 30)


def test_friday_evening_skips_the_weekend() -> None:
    # Friday 16:00 + 3h in Mon-Fri 9-17: one hour on Friday, two on Monday.
    friday = berlin(2026, 3, 6, 16, 0)
    assert friday.weekday() == 4
    assert add_service_time(friday, 3 * H, WEEKDAYS_9_17) == berlin(2026, 3, 9, 11, 0)


def test_opened_on_saturday_starts_on_monday() -> None:
    assert add_service_time(berlin(2026, 3, 7, 12, 0), 1 * H, WEEKDAYS_9_17) == berlin(2026, 3, 9, 10, 0)


def test_zero_duration_is_the_next_service_moment() -> None:
    assert add_service_time(berlin(2026, 3, 7, 12, 0), dt.timedelta(0), WEEKDAYS_9_17) == berlin(2026, 3, 9, 9, 0)
    inside = berlin(2026, 3, 4, 12, 0)
    assert add_service_time(inside, dt.timedelta(0), WEEKDAYS_9_17) == inside


def test_several_days_of_service_time() -> None:
    # 20 service hours in 8h weekdays from Wednesday 09:00: Wed 8, Thu 8, Fri 4 -> Friday 13:00.
    assert add_service_time(berlin(2026, 3, 4, 9, 0), 20 * H, WEEKDAYS_9_17) == berlin(2026, 3, 6, 13, 0)
    # 25 hours: Wed, Thu, Fri = 24, the last hour on Monday.
    assert add_service_time(berlin(2026, 3, 4, 9, 0), 25 * H, WEEKDAYS_9_17) == berlin(2026, 3, 9, 10, 0)


def test_spring_forward_night_counts_real_time() -> None:
    # Berlin springs forward on 29 March 2026 (02:00 -> 03:00). Round the clock service: the
    # night from Saturday 23:00 has one hour less; 4 real hours end at 04:00 local, not 03:00.
    always = ServiceHours(tz=BERLIN, start_minute=0, end_minute=24 * 60)
    assert add_service_time(berlin(2026, 3, 28, 23, 0), 4 * H, always) == berlin(2026, 3, 29, 4, 0)
    assert service_time_between(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0), always) == 23 * H


def test_fall_back_night_counts_real_time() -> None:
    # Berlin falls back on 25 October 2026 (03:00 -> 02:00): that day has 25 hours.
    always = ServiceHours(tz=BERLIN, start_minute=0, end_minute=24 * 60)
    assert service_time_between(berlin(2026, 10, 25, 0, 0), berlin(2026, 10, 26, 0, 0), always) == 25 * H


def test_opening_hour_stays_local_across_a_dst_change() -> None:
    # Friday before the change opens at 09:00 CET (08:00 UTC), Monday after at 09:00 CEST (07:00 UTC).
    friday_close = berlin(2026, 3, 27, 16, 30)
    due = add_service_time(friday_close, 1 * H, WEEKDAYS_9_17)
    assert due == berlin(2026, 3, 30, 9, 30)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 7, 30, tzinfo=dt.UTC)


def test_time_zones_decide_the_window() -> None:
    # 15:00 UTC is 16:00 in Berlin (inside 9-17) but 00:00 next day in Tokyo (outside).
    moment = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
    tokyo = ServiceHours(tz=TOKYO, days=frozenset(range(5)), start_minute=9 * 60, end_minute=17 * 60)
    assert add_service_time(moment, 2 * H, WEEKDAYS_9_17) == berlin(2026, 3, 5, 10, 0)
    assert add_service_time(moment, 2 * H, tokyo) == dt.datetime(2026, 3, 5, 11, 0, tzinfo=TOKYO)


def test_new_york_window_read_from_a_berlin_moment() -> None:
    ny = ServiceHours(tz=NEW_YORK, days=frozenset(range(5)), start_minute=8 * 60, end_minute=18 * 60)
    # Wednesday 23:30 Berlin = 17:30 New York: half an hour left today, the rest from 08:00.
    due = add_service_time(berlin(2026, 3, 4, 23, 30), 2 * H, ny)
    assert due == dt.datetime(2026, 3, 5, 9, 30, tzinfo=NEW_YORK)


def test_between_is_the_inverse_of_add() -> None:
    start = berlin(2026, 3, 6, 15, 20)
    for hours in (0, 1, 5, 9, 17, 40):
        due = add_service_time(start, hours * H, WEEKDAYS_9_17)
        assert service_time_between(start, due, WEEKDAYS_9_17) == hours * H
    assert service_time_between(berlin(2026, 3, 9, 10), berlin(2026, 3, 6, 16), WEEKDAYS_9_17) == -2 * H


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        ServiceHours(tz=BERLIN, start_minute=600, end_minute=600)
    with pytest.raises(ValueError):
        ServiceHours(tz=BERLIN, days=frozenset())
    with pytest.raises(ValueError):
        add_service_time(dt.datetime(2026, 3, 4, 10, 0), H, EVERY_DAY_8_24)  # naive
    with pytest.raises(ValueError):
        add_service_time(berlin(2026, 3, 4, 10, 0), -H, EVERY_DAY_8_24)


def test_community_settings_give_the_due_time_under_frozen_time() -> None:
    config = InboxSettings(
        time_zone="Europe/Berlin",
        service_days=[0, 1, 2, 3, 4],
        service_start_hour=9,
        service_end_hour=17,
        first_response_minutes=120,
    )
    with time_machine.travel(berlin(2026, 3, 6, 16, 0), tick=False):
        from django.utils import timezone

        assert first_response_due(config, timezone.now()) == berlin(2026, 3, 9, 10, 0)
