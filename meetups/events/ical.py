"""iCalendar files: one event, or a person's feed of the meetups they go to (icalendar library).

Start and end carry the event's own time zone (``DTSTART;TZID=Europe/Berlin:...``) and the calendar
includes the matching ``VTIMEZONE`` components, so calendar clients show the local time the
organisers chose, right across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import MeetupEvent

PRODID = "-//Social Intranet//Meetups//EN"


def _uid(event: MeetupEvent) -> str:
    host = (getattr(settings, "ALLOWED_HOSTS", None) or ["intranet"])[0].lstrip(".") or "intranet"
    if host == "*":
        host = "intranet"
    return f"meetup-{event.pk}@{host}"


def _vevent(event: MeetupEvent, *, base_url: str) -> Event:
    vevent = Event()
    vevent.add("uid", _uid(event))
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.local_start)
    vevent.add("dtend", event.local_end)
    vevent.add("summary", event.display_title)
    vevent.add("sequence", int(event.updated_at.timestamp()) % 2_000_000_000)
    location = event.place or event.online_url
    if location:
        vevent.add("location", location)
    url = f"{base_url}{event.get_absolute_url()}"
    vevent.add("url", url)
    description = [event.series.title, url]
    if event.online_url:
        description.append(event.online_url)
    vevent.add("description", "\n".join(description))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return vevent


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def event_calendar(event: MeetupEvent, *, base_url: str) -> bytes:
    """A calendar file with one event (``METHOD:PUBLISH``)."""
    cal = _calendar(event.display_title)
    cal.add("method", "PUBLISH")
    cal.add_component(_vevent(event, base_url=base_url))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_calendar(events: Iterable[MeetupEvent], *, name: str, base_url: str) -> bytes:
    """A subscribable calendar of several events."""
    cal = _calendar(name)
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for event in events:
        cal.add_component(_vevent(event, base_url=base_url))
    cal.add_missing_timezones()
    return cal.to_ical()
