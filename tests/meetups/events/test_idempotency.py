"""The series and meetup forms sent twice create one series and one meetup, and the second answer
is the first one's (not "already has a meetup at that time")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetups.models import MeetupEvent, MeetupSeries
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory, coordinator
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db


def test_series_form_sent_twice_creates_one_series(client) -> None:
    client.force_login(coordinator())
    data = with_key(
        title="Frontend Friday",
        format="online",
        language="en",
        recurrence_rule="FREQ=WEEKLY;BYDAY=FR",
        default_start_time="16:00",
        time_zone="Europe/Berlin",
        duration_minutes="60",
    )
    answers = [client.post(reverse("meetups:series_create"), data) for _ in range(2)]
    series = MeetupSeries.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {series.get_absolute_url()}
    assert 12 <= series.events.count() <= 14


def test_event_form_sent_twice_adds_one_meetup(client) -> None:
    organiser = UserFactory.create()
    series = SeriesFactory.create(organisers=[organiser], time_zone="Europe/Berlin")
    client.force_login(organiser)
    day = (timezone.now() + dt.timedelta(days=20)).date()
    data = with_key(date=day.isoformat(), time="18:15", time_zone="Europe/Berlin", duration_minutes="45")
    url = reverse("meetups:event_create", kwargs={"slug": series.slug})
    answers = [client.post(url, data) for _ in range(2)]
    event = MeetupEvent.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {event.get_absolute_url()}
    missing = {k: v for k, v in data.items() if k != "idempotency_key"}
    response = client.post(url, {**missing, "time": "19:00"})
    assert "This form is out of date or was changed." in response.content.decode()
    assert MeetupEvent.objects.count() == 1
