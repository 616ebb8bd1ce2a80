"""iCalendar output: one file per session and a personal feed of booked sessions.

Times are written in the session's own time zone (``DTSTART;TZID=Europe/Berlin``) with the
matching VTIMEZONE component, so calendar clients show the local time the trainer planned, and
convert correctly across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Session

PRODID = "-//Intranet//Training sessions//EN"


def _domain() -> str:
    hosts = [h for h in getattr(settings, "ALLOWED_HOSTS", []) if h and h not in ("*",) and not h.startswith(".")]
    return hosts[0] if hosts else "intranet.local"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(session: Session, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"training-session-{session.pk}@{_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.local_starts_at)
    event.add("dtend", session.local_ends_at)
    event.add("summary", session.title)
    description = [session.programme.title]
    if session.online_url:
        description.append(session.online_url)
    description.append(base_url + session.get_absolute_url())
    event.add("description", "\n".join(description))
    if session.place:
        event.add("location", session.place)
    elif session.online_url:
        event.add("location", session.online_url)
    event.add("url", base_url + session.get_absolute_url())
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def session_ics(session: Session, *, base_url: str) -> bytes:
    """One session as an .ics file (``session.programme`` must be loaded)."""
    cal = _calendar(session.title)
    cal.add("method", "PUBLISH")
    cal.add_component(_event(session, base_url))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(sessions: Iterable[Session], *, name: str, base_url: str) -> bytes:
    """A personal feed of sessions (each with its own VTIMEZONE, added once per zone)."""
    cal = _calendar(name)
    for session in sessions:
        cal.add_component(_event(session, base_url))
    cal.add_missing_timezones()
    return cal.to_ical()
