"""iCalendar output parsed back: per-session file and the personal feed, with correct zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import UserFactory
from tests.training.conftest import viewer_of
from tests.training.factories import SessionFactory
from training.models import CalendarToken
from training.services_sessions import booking_cancel, calendar_token_regenerate, session_book

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def winter_session(programme, **kwargs):
    start = dt.datetime(2031, 1, 15, 10, 0, tzinfo=BERLIN)
    return SessionFactory.create(programme=programme, starts_at=start, duration_minutes=90, **kwargs)


def test_session_ics_has_tzid_and_vtimezone(client, programme):
    session = winter_session(programme, title="Moderation workshop", place="Building 7")
    client.force_login(UserFactory.create())
    response = client.get(reverse("training:session_ics", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start = event.decoded("dtstart")
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert start.astimezone(dt.UTC) == dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend").astimezone(dt.UTC) == dt.datetime(2031, 1, 15, 10, 30, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Moderation workshop"
    assert str(event["location"]) == "Building 7"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_summer_time_is_two_hours_ahead(client, programme):
    session = SessionFactory.create(programme=programme, starts_at=dt.datetime(2031, 7, 15, 10, 0, tzinfo=BERLIN))
    client.force_login(UserFactory.create())
    cal = Calendar.from_ical(client.get(reverse("training:session_ics", args=[session.pk])).content)
    assert cal.walk("VEVENT")[0].decoded("dtstart").astimezone(dt.UTC).hour == 8


def test_personal_feed_lists_booked_sessions_in_their_zones(client, programme):
    person = UserFactory.create()
    berlin = winter_session(programme, title="Berlin")
    york = SessionFactory.create(
        programme=programme,
        title="New York",
        time_zone="America/New_York",
        starts_at=dt.datetime(2031, 1, 20, 9, 0, tzinfo=ZoneInfo("America/New_York")),
    )
    cancelled = winter_session(programme, title="Left")
    other = winter_session(programme, title="Not mine")
    for s in (berlin, york, cancelled):
        session_book(actor=viewer_of(person), session=s)
    booking = cancelled.bookings.get(user=person)
    booking_cancel(actor=viewer_of(person), booking=booking)
    session_book(actor=viewer_of(UserFactory.create()), session=other)

    client.force_login(person)
    page = client.get(reverse("training:calendar_settings"))
    token = CalendarToken.objects.get(user=person).token
    assert token in page.content.decode()
    client.logout()  # calendar clients do not sign in
    response = client.get(reverse("training:calendar_feed", args=[token]))
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Berlin", "New York"}
    assert events["Berlin"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC)
    assert events["New York"]["dtstart"].params["TZID"] == "America/New_York"
    assert events["New York"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(2031, 1, 20, 14, 0, tzinfo=dt.UTC)
    assert {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York"}


def test_regenerated_token_invalidates_the_old_address(client):
    person = UserFactory.create()
    old = CalendarToken.objects.create(user=person).token
    new = calendar_token_regenerate(actor=viewer_of(person)).token
    assert new != old
    assert client.get(reverse("training:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("training:calendar_feed", args=[new])).status_code == 200


def test_regenerate_through_the_page(client):
    person = UserFactory.create()
    client.force_login(person)
    client.get(reverse("training:calendar_settings"))
    old = CalendarToken.objects.get(user=person).token
    response = client.post(reverse("training:calendar_settings"))
    assert response.status_code == 302
    assert CalendarToken.objects.get(user=person).token != old


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("training:calendar_feed", args=["nope"])).status_code == 404
