"""Demo meetups: series with dates and answers (idempotent); run by :mod:`meetups.demo`.

Rows are created directly rather than through the services: the demo has no acting coordinator,
and the seed must not write audit rows or notifications. Answers to the next dates go through the
seat-safe :func:`~meetups.events.services.rsvp_set`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone

from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from meetups.organisations.models import ExternalPerson, Organisation

from .models import RSVP, MeetupEvent, MeetupSeries
from .services import rsvp_set, series_generate_events
from .services._common import render


class Output(Protocol):
    def write(self, msg: str, /) -> Any: ...


# slug, title, topics, format, city, language, rule, start time, duration, capacity, orgs, guests, description
SERIES: list[tuple[Any, ...]] = [
    (
        "python-stammtisch-stuttgart",
        "Python-Stammtisch Stuttgart",
        ["Python", "Software development"],
        "on_site",
        "Stuttgart",
        "de",
        "FREQ=MONTHLY;BYDAY=+2TU",
        dt.time(18, 0),
        120,
        25,
        ["Intranet AG"],
        [],
        "Einmal im Monat: **kurze Vorträge**, Fragen und Pizza. Anfänger sind herzlich willkommen.",
    ),
    (
        "data-and-ai-circle",
        "Data & AI Circle",
        ["Data", "AI", "Dashboards"],
        "hybrid",
        "München",
        "en",
        "FREQ=MONTHLY;BYDAY=+1TH",
        dt.time(17, 30),
        90,
        40,
        ["Intranet AG", "Datenwerk GmbH"],
        ["Mehmet Aydin"],
        "Practitioners from our data teams and partners show what worked, and what did not.",
    ),
    (
        "community-managers-meetup",
        "Community Managers Meetup",
        ["Community management", "Moderation"],
        "online",
        "",
        "de",
        "FREQ=WEEKLY;INTERVAL=4;BYDAY=WE",
        dt.time(12, 0),
        60,
        None,
        ["Intranet AG"],
        [],
        "Austausch unter Community-Managern: Moderation, Formate, Wachstum. Kamera optional.",
    ),
    (
        "open-source-evening-berlin",
        "Open Source Evening Berlin",
        ["Open source", "Software development"],
        "on_site",
        "Berlin",
        "en",
        "FREQ=MONTHLY;BYDAY=-1TH",
        dt.time(19, 0),
        150,
        6,
        ["Open Source Verein Berlin", "Technische Hochschule Nord"],
        ["Sophie Laurent", "Prof. Dr. Jana Krüger"],
        "Hack night with our partners from the Open Source Verein. Few seats: answer early.",
    ),
]


def seed(
    *,
    stdout: Output,
    people: list[User],
    organisations: dict[str, Organisation],
    guests: dict[str, ExternalPerson],
) -> None:
    """Create the demo series, their dates and answers (idempotent)."""
    now = timezone.now()
    created_series = created_events = 0
    for index, row in enumerate(SERIES):
        (slug, title, topics, fmt, city, language, rule, start, minutes, seats, org_names, guest_names, text) = row
        series, created = MeetupSeries.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "format": fmt,
                "city": city,
                "language": language,
                "recurrence_rule": rule,
                "recurrence_start": (now - dt.timedelta(days=120)).date(),
                "default_start_time": start,
                "time_zone": "Europe/Berlin",
                "duration_minutes": minutes,
                "default_capacity": seats,
                "default_place": f"{city}, Forum" if city else "",
                "default_online_url": "https://meet.example/community" if fmt != "on_site" else "",
                "description": text,
                "description_html": render(text),
                "tag_names": ", ".join(topics),
                "hashtag": slug.split("-")[0],
            },
        )
        if created:
            created_series += 1
            series.tags.set(topics)
            series.organisations.set([organisations[n] for n in org_names])
            series.external_organisers.set([guests[n] for n in guest_names])
            series.organisers.set([people[(index * 7) % len(people)], people[(index * 7 + 3) % len(people)]])
            created_events += _past_events(series, people, index)
        created_events += series_generate_events(series)
        _answers(series, people, index)
    stdout.write(f"meetups: {created_series} series and {created_events} dates created.")


def _past_events(series: MeetupSeries, people: list[User], index: int) -> int:
    """Three past dates with recordings and notes, attended by a few demo people."""
    zone = ZoneInfo(series.time_zone)
    made = 0
    for months in (1, 2, 3):
        day = (timezone.now() - dt.timedelta(days=30 * months + index)).astimezone(zone).date()
        start = dt.datetime.combine(day, series.default_start_time, tzinfo=zone)
        notes = f"Notes of the {series.title} meetup: slides are linked below.\n\n- Welcome\n- Two talks\n- Open space"
        event, created = MeetupEvent.objects.get_or_create(
            series=series,
            starts_at=start,
            defaults={
                "ends_at": start + dt.timedelta(minutes=series.duration_minutes),
                "time_zone": series.time_zone,
                "duration_minutes": series.duration_minutes,
                "place": series.default_place,
                "online_url": series.default_online_url,
                "recording_url": "https://video.example/meetups/recording" if months != 3 else "",
                "notes": notes,
                "notes_html": render(notes),
            },
        )
        if created:
            made += 1
            attendees = people[index + months :: 9][:5]
            RSVP.objects.bulk_create(
                [RSVP(event=event, user=u, status=RSVP.Status.GOING, sequence=i + 1) for i, u in enumerate(attendees)],
                ignore_conflicts=True,
            )
            MeetupEvent.objects.filter(pk=event.pk).update(
                going_count=RSVP.objects.filter(event=event, status=RSVP.Status.GOING).count(),
                rsvp_sequence=len(attendees),
            )
    return made


def _answers(series: MeetupSeries, people: list[User], index: int) -> None:
    """A few answers for the next date that has none yet (through the seat-safe service path)."""
    event = series.events.filter(starts_at__gt=timezone.now(), cancelled=False).order_by("starts_at").first()
    if event is None or event.rsvp_sequence:
        return
    want = (series.default_capacity or 8) + 2 if series.default_capacity and series.default_capacity < 10 else 8
    for person in people[index :: max(1, len(people) // 12)][:want]:
        rsvp_set(actor=Viewer(person), event_id=event.pk, status=RSVP.Status.GOING)
