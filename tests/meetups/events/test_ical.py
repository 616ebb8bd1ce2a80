"""Calendar files through the icalendar library: one event and the personal feed, in local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetups.events import services
from meetups.models import RSVP, CalendarFeed
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory, make_event, viewer_of

UTC = dt.UTC


def _events(body: bytes) -> list:
    cal = Calendar.from_ical(body)
    return list(cal.walk("VEVENT"))


@pytest.mark.django_db
def test_event_ics_round_trips_with_its_time_zone(client) -> None:
    series = SeriesFactory.create(title="Rust Meetup")
    start = dt.datetime(2027, 7, 13, 18, 30, tzinfo=ZoneInfo("America/New_York"))
    event = make_event(series, starts_at=start, time_zone="America/New_York", place="Room 4", duration_minutes=60)
    client.force_login(UserFactory.create())

    response = client.get(reverse("meetups:event_ics", kwargs={"pk": event.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    cal = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    (vevent,) = _events(response.content)
    dtstart = vevent.decoded("DTSTART")
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"
    assert (dtstart.hour, dtstart.minute) == (18, 30)
    assert dtstart == start and dtstart.astimezone(UTC).hour == 22
    assert vevent.decoded("DTEND") == start + dt.timedelta(hours=1)
    assert str(vevent["SUMMARY"]) == "Rust Meetup"
    assert str(vevent["LOCATION"]) == "Room 4"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["URL"]).endswith(event.get_absolute_url())


@pytest.mark.django_db
def test_personal_feed_lists_what_i_go_to_at_a_secret_address(client) -> None:
    me, someone = UserFactory.create(), UserFactory.create()
    series = SeriesFactory.create(title="Berlin Python")
    winter = make_event(series, starts_at=dt.datetime(2030, 1, 8, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    summer = make_event(series, starts_at=dt.datetime(2030, 7, 9, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    other = make_event(series, starts_at=dt.datetime(2030, 2, 12, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    for event in (winter, summer):
        services.rsvp_set(actor=viewer_of(me), event_id=event.pk, status=RSVP.Status.GOING)
    services.rsvp_set(actor=viewer_of(me), event_id=other.pk, status=RSVP.Status.NOT_GOING)
    services.rsvp_set(actor=viewer_of(someone), event_id=other.pk, status=RSVP.Status.GOING)

    feed = services.calendar_feed_get_or_create(actor=viewer_of(me))
    url = reverse("meetups:calendar_feed", kwargs={"token": feed.token})
    response = client.get(url)  # no session: calendar apps poll it
    assert response.status_code == 200
    vevents = _events(response.content)
    assert [e.decoded("DTSTART") for e in vevents] == [winter.starts_at, summer.starts_at]
    # 18:00 local both times: 17:00 UTC in winter, 16:00 UTC in summer.
    assert [e.decoded("DTSTART").hour for e in vevents] == [18, 18]
    assert [e.decoded("DTSTART").astimezone(UTC).hour for e in vevents] == [17, 16]
    assert all(e["DTSTART"].params["TZID"] == "Europe/Berlin" for e in vevents)

    # Regenerating the address retires the old one.
    new = services.calendar_feed_regenerate(actor=viewer_of(me))
    assert new.token != feed.token
    assert client.get(url).status_code == 404
    assert client.get(reverse("meetups:calendar_feed", kwargs={"token": new.token})).status_code == 200
    assert CalendarFeed.objects.count() == 1


@pytest.mark.django_db
def test_feed_shows_cancellations_and_refuses_unknown_tokens(client) -> None:
    me = UserFactory.create()
    event = make_event(SeriesFactory.create(), starts_at=dt.datetime(2030, 3, 1, 18, tzinfo=UTC))
    services.rsvp_set(actor=viewer_of(me), event_id=event.pk, status=RSVP.Status.GOING)
    event.cancelled = True
    event.save(update_fields=["cancelled"])
    feed = services.calendar_feed_get_or_create(actor=viewer_of(me))
    (vevent,) = _events(client.get(reverse("meetups:calendar_feed", kwargs={"token": feed.token})).content)
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert client.get(reverse("meetups:calendar_feed", kwargs={"token": "x" * 43})).status_code == 404
    me.is_active = False
    me.save(update_fields=["is_active"])
    assert client.get(reverse("meetups:calendar_feed", kwargs={"token": feed.token})).status_code == 404
