"""Events generated from a series' rule: idempotent, and at the same local time across DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetups.events import services
from meetups.events.jobs import generate_events_task
from meetups.models import MeetupEvent
from tests.meetups.factories import SeriesFactory, coordinator, viewer_of

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


@pytest.fixture
def second_tuesdays(db):
    # Every second Tuesday of the month, 18:00 Berlin time, from January 2027.
    return SeriesFactory.create(
        recurrence_rule="FREQ=MONTHLY;BYDAY=+2TU",
        recurrence_start=dt.date(2027, 1, 1),
        default_start_time=dt.time(18, 0),
        time_zone="Europe/Berlin",
        duration_minutes=120,
        default_capacity=20,
    )


@time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=UTC), tick=False)
def test_generation_is_idempotent(second_tuesdays) -> None:
    until = dt.datetime(2027, 12, 31, tzinfo=UTC)
    assert services.series_generate_events(second_tuesdays, until) == 12
    first = list(MeetupEvent.objects.order_by("starts_at").values_list("id", "starts_at"))
    assert services.series_generate_events(second_tuesdays, until) == 0
    assert list(MeetupEvent.objects.order_by("starts_at").values_list("id", "starts_at")) == first
    assert MeetupEvent.objects.filter(capacity=20, duration_minutes=120, generated=True).count() == 12


@time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=UTC), tick=False)
def test_local_time_stays_across_daylight_saving(second_tuesdays) -> None:
    services.series_generate_events(second_tuesdays, dt.datetime(2027, 12, 31, tzinfo=UTC))
    starts = list(MeetupEvent.objects.order_by("starts_at").values_list("starts_at", flat=True))
    local = [s.astimezone(BERLIN) for s in starts]
    assert {(t.hour, t.minute) for t in local} == {(18, 0)}
    assert all(t.weekday() == 1 and 8 <= t.day <= 14 for t in local)  # second Tuesdays
    # Winter: 17:00 UTC; summer (CEST, from 28 March 2027): 16:00 UTC.
    by_month = {s.astimezone(BERLIN).month: s.astimezone(UTC).hour for s in starts}
    assert by_month[1] == 17 and by_month[3] == 17
    assert by_month[4] == 16 and by_month[10] == 16
    assert by_month[11] == 17
    event = MeetupEvent.objects.get(starts_at__month=4)
    assert event.ends_at - event.starts_at == dt.timedelta(hours=2)


def test_overlapping_runs_and_the_beat_task_add_nothing_twice(second_tuesdays) -> None:
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=UTC), tick=False):
        assert services.series_generate_events(second_tuesdays, dt.datetime(2027, 3, 1, tzinfo=UTC)) == 2
        # The beat fills 90 days ahead: January and February exist, March is new.
        assert generate_events_task() == 1
        assert generate_events_task() == 0
    assert MeetupEvent.objects.count() == 3


def test_cancelled_dates_are_not_generated_again(second_tuesdays) -> None:
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=UTC), tick=False):
        services.series_generate_events(second_tuesdays, dt.datetime(2027, 2, 28, tzinfo=UTC))
        first = MeetupEvent.objects.order_by("starts_at").first()
        assert first is not None
        services.event_cancel(actor=viewer_of(coordinator()), event=first)
        assert services.series_generate_events(second_tuesdays, dt.datetime(2027, 2, 28, tzinfo=UTC)) == 0
    assert MeetupEvent.objects.filter(cancelled=True).count() == 1
    assert MeetupEvent.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rule",
    ["FREQ=SOMETIMES", "BYDAY=TU", "FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY\nFREQ=DAILY"],
)
def test_invalid_rules_are_refused(rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        services.series_create(actor=viewer_of(coordinator()), title="Bad rule", recurrence_rule=rule)
    assert "recurrence_rule" in info.value.message_dict


@pytest.mark.django_db
def test_a_valid_rule_is_normalised() -> None:
    series = services.series_create(
        actor=viewer_of(coordinator()), title="Weekly", recurrence_rule="rrule:freq=weekly;byday=we"
    )
    assert series.recurrence_rule == "FREQ=WEEKLY;BYDAY=WE"
