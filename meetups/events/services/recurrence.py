"""Recurrence rules of series: validation and the idempotent generation of their events.

Rules are iCalendar RRULEs evaluated by ``dateutil.rrule`` in the series' local wall time: the start
of the rule carries the series' ``ZoneInfo``, so "every second Tuesday at 18:00 Europe/Berlin" stays
at 18:00 local time on both sides of a daylight-saving change (16:00 or 17:00 UTC).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import MeetupEvent, MeetupSeries

#: Most dates one generation run creates for one series (a guard against runaway rules).
MAX_OCCURRENCES_PER_RUN = 200
#: How far ahead the beat task keeps every recurring series filled.
GENERATE_AHEAD = dt.timedelta(days=90)


def validate_time_zone(name: str) -> str:
    if name not in _zones():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")}, code="time_zone")
    return name


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def _rule_start(series: MeetupSeries) -> dt.datetime:
    zone = ZoneInfo(series.time_zone)
    first_day = series.recurrence_start or timezone.localtime(series.created_at, zone).date()
    return dt.datetime.combine(first_day, series.default_start_time, tzinfo=zone)


def parse_rule(rule: str, dtstart: dt.datetime) -> rrule:
    """The rule as a ``dateutil`` rrule starting at ``dtstart``; ``ValidationError`` if it is none.

    Accepts ``FREQ=...`` with or without an ``RRULE:`` prefix. Rules more frequent than daily are
    refused: meetups do not happen every hour.
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text:
        raise ValidationError({"recurrence_rule": _("Enter one RRULE line.")}, code="rrule")
    try:
        parsed = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            {"recurrence_rule": _("This is not a valid recurrence rule: %(error)s") % {"error": exc}}, code="rrule"
        ) from exc
    if not isinstance(parsed, rrule):
        raise ValidationError({"recurrence_rule": _("Enter one RRULE line.")}, code="rrule")
    if any(f"FREQ={freq}" in text.upper() for freq in ("HOURLY", "MINUTELY", "SECONDLY")):
        raise ValidationError({"recurrence_rule": _("Meetups can repeat at most daily.")}, code="rrule_frequency")
    return parsed


def normalise_rule(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    return text.upper()


def series_occurrences(series: MeetupSeries, *, since: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """Start times (aware, in the series' zone) of the rule between ``since`` and ``until``."""
    if not series.recurrence_rule:
        return []
    start = _rule_start(series)
    zone = start.tzinfo
    rule = parse_rule(series.recurrence_rule, start)
    lower = max(since, start).astimezone(zone)
    upper = until.astimezone(zone)
    result: list[dt.datetime] = []
    for occurrence in rule.xafter(lower, count=MAX_OCCURRENCES_PER_RUN, inc=True):
        if occurrence > upper:
            break
        # Re-attach the zone: the wall time stays, the UTC offset follows the date (DST).
        local = occurrence.replace(tzinfo=zone)
        # A wall time that does not exist (spring forward) is moved past the gap, as calendars do.
        result.append(local.astimezone(dt.UTC).astimezone(zone))
    return result


def series_generate_events(
    series: MeetupSeries, until: dt.datetime | None = None, *, since: dt.datetime | None = None
) -> int:
    """Create the events of the series' rule up to ``until`` (default: ``GENERATE_AHEAD`` from now);
    return how many rows were new.

    Idempotent: one ``INSERT ... ON CONFLICT DO NOTHING`` against the unique constraint
    (series, starts_at), so a second run (or a concurrent one) adds nothing. Past dates are skipped.
    Cancelled events keep their row, so a cancelled date is never generated again.
    """
    now = timezone.now()
    until = until or now + GENERATE_AHEAD
    starts = series_occurrences(series, since=max(since or now, now), until=until)
    if not starts:
        return 0
    duration = dt.timedelta(minutes=series.duration_minutes)
    rows = [
        MeetupEvent(
            series=series,
            starts_at=start,
            ends_at=start + duration,
            time_zone=series.time_zone,
            duration_minutes=series.duration_minutes,
            place=series.default_place,
            online_url=series.default_online_url,
            capacity=series.default_capacity,
            generated=True,
        )
        for start in starts
    ]
    existing = MeetupEvent.objects.filter(series=series, starts_at__in=starts)
    with transaction.atomic():
        # With ignore_conflicts the database does not say which rows were new: count around it.
        before = existing.count()
        MeetupEvent.objects.bulk_create(rows, ignore_conflicts=True)
        return existing.count() - before


def generate_all_series(*, ahead: dt.timedelta = GENERATE_AHEAD) -> int:
    """Fill every recurring series up to ``ahead`` from now (the beat task); return new rows."""
    until = timezone.now() + ahead
    total = 0
    for series in MeetupSeries.objects.exclude(recurrence_rule="").order_by("id").iterator(chunk_size=200):
        try:
            total += series_generate_events(series, until)
        except ValidationError:
            continue  # a rule that no longer parses is shown to its organisers on the edit page
    return total
