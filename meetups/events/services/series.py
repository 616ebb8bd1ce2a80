"""Writes to series and events: create, edit, cancel. Each checks permission first, validates,
saves and writes exactly one audit row inside its transaction; notifications follow through the
outbox events of :mod:`meetups.events.events`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer

from .. import events
from .. import permissions as perms
from ..models import ExternalPerson, Format, Language, MeetupEvent, MeetupSeries, Organisation
from ._common import UNSET, clean_tags, is_set, render
from .recurrence import _rule_start, normalise_rule, parse_rule, series_generate_events, validate_time_zone
from .rsvp import promote_waitlisted

SERIES_FIELDS = (
    "title",
    "hashtag",
    "description",
    "format",
    "city",
    "language",
    "recurrence_rule",
    "recurrence_start",
    "default_start_time",
    "time_zone",
    "duration_minutes",
    "default_place",
    "default_online_url",
    "default_capacity",
)
EVENT_FIELDS = (
    "title",
    "starts_at",
    "time_zone",
    "duration_minutes",
    "place",
    "online_url",
    "capacity",
    "agenda",
    "recording_url",
    "notes",
)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, dt.date | dt.time) else value
    return out


def _unique_slug(title: str, wanted: str = "") -> str:
    base = slugify(wanted or title)[:70] or "meetup"
    slug, n = base, 2
    while MeetupSeries.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_series(series: MeetupSeries) -> None:
    series.title = " ".join(series.title.split())
    if not series.title:
        raise ValidationError({"title": _("Give the series a title.")}, code="required")
    series.hashtag = series.hashtag.strip().lstrip("#").replace(" ", "")
    if series.format not in Format.values:
        raise ValidationError({"format": _("Choose a format.")}, code="format")
    if series.language not in Language.values:
        raise ValidationError({"language": _("Choose a language.")}, code="language")
    validate_time_zone(series.time_zone)
    if series.duration_minutes <= 0:
        raise ValidationError({"duration_minutes": _("The duration must be positive.")}, code="duration")
    if series.recurrence_rule:
        series.recurrence_rule = normalise_rule(series.recurrence_rule)
        parse_rule(series.recurrence_rule, _rule_start(series))
    series.description_html = render(series.description)


@idempotent("meetups.series_create", replay=lambda pk: MeetupSeries.objects.get(pk=pk))
def series_create(
    *,
    actor: Viewer,
    title: str,
    slug: str = "",
    tags: Iterable[str] = (),
    organisations: Sequence[Organisation] = (),
    organisers: Sequence[Any] = (),
    external_organisers: Sequence[ExternalPerson] = (),
    idempotency_key: uuid.UUID | None = None,
    **fields: Any,
) -> MeetupSeries:
    """Create a series; the actor becomes one of its organisers. A recurring series gets its dates
    for the next 90 days in the same transaction. Writes one audit row. With ``idempotency_key``
    (the form's), sending the same form again returns the series it created."""
    require(perms.can_create_series(actor))
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    series = MeetupSeries(title=title, created_by_id=actor.user_id, **fields)
    _validate_series(series)
    names = clean_tags(tags)
    series.slug = _unique_slug(series.title, slug)
    series.tag_names = ", ".join(names)
    series.save()
    series.tags.set(names)
    series.organisations.set(organisations)
    series.organisers.set({*(u.pk for u in organisers), *([actor.user_id] if actor.user_id else [])})
    series.external_organisers.set(external_organisers)
    audit_log(actor=actor.user, action="meetup_series.created", target=series, after=_snapshot(series, SERIES_FIELDS))
    if series.is_recurring:
        series_generate_events(series)
    perms.forget_organised(actor)
    return series


def series_update(
    *,
    actor: Viewer,
    series: MeetupSeries,
    tags: Iterable[str] = UNSET,
    organisations: Sequence[Organisation] = UNSET,
    organisers: Sequence[Any] = UNSET,
    external_organisers: Sequence[ExternalPerson] = UNSET,
    **fields: Any,
) -> MeetupSeries:
    """Edit a series (only the fields passed); a recurring series gets its missing dates for the next
    90 days in the same transaction. Writes one audit row with before and after."""
    require(perms.can_edit_series(actor, series))
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    before = _snapshot(series, SERIES_FIELDS)
    for name, value in fields.items():
        setattr(series, name, value)
    _validate_series(series)
    with transaction.atomic():
        if is_set(tags):
            names = clean_tags(tags)
            series.tags.set(names)
            series.tag_names = ", ".join(names)
        series.save()
        if is_set(organisations):
            series.organisations.set(organisations)
        if is_set(organisers):
            ids = {u.pk for u in organisers}
            if not ids:
                raise ValidationError({"organisers": _("A series needs at least one organiser.")}, code="organisers")
            series.organisers.set(ids)
        if is_set(external_organisers):
            series.external_organisers.set(external_organisers)
        audit_log(
            actor=actor.user,
            action="meetup_series.updated",
            target=series,
            before=before,
            after=_snapshot(series, SERIES_FIELDS),
        )
        if series.is_recurring:
            series_generate_events(series)
    perms.forget_organised(actor)
    return series


def _validate_event(event: MeetupEvent) -> None:
    event.title = " ".join(event.title.split())
    validate_time_zone(event.time_zone)
    if event.starts_at is None or timezone.is_naive(event.starts_at):
        raise ValidationError({"starts_at": _("Enter the date and time of the meetup.")}, code="starts_at")
    if event.duration_minutes <= 0:
        raise ValidationError({"duration_minutes": _("The duration must be positive.")}, code="duration")
    event.ends_at = event.starts_at + dt.timedelta(minutes=event.duration_minutes)
    event.agenda_html = render(event.agenda)
    event.notes_html = render(event.notes)


@idempotent("meetups.event_create", replay=lambda pk: MeetupEvent.objects.get(pk=pk))
def event_create(
    *,
    actor: Viewer,
    series: MeetupSeries,
    starts_at: dt.datetime,
    idempotency_key: uuid.UUID | None = None,
    **fields: Any,
) -> MeetupEvent:
    """Add a date to a series; defaults (place, link, seats, duration, zone) come from the series.
    With ``idempotency_key`` (the form's), sending the same form again returns the meetup it added
    instead of refusing it as a second meetup at the same time."""
    require(perms.can_create_event(actor, series))
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    values: dict[str, Any] = {
        "time_zone": series.time_zone,
        "duration_minutes": series.duration_minutes,
        "place": series.default_place,
        "online_url": series.default_online_url,
        "capacity": series.default_capacity,
        **fields,
    }
    event = MeetupEvent(series=series, starts_at=starts_at, **values)
    _validate_event(event)
    try:
        with transaction.atomic():
            event.save()
            audit_log(
                actor=actor.user, action="meetup_event.created", target=event, after=_snapshot(event, EVENT_FIELDS)
            )
            events.meetup_created(event_id=event.pk, series_id=series.pk, actor_id=actor.user_id)
    except IntegrityError as exc:
        raise ValidationError(
            {"starts_at": _("This series already has a meetup at that time.")}, code="duplicate"
        ) from exc
    return event


def event_update(*, actor: Viewer, event: MeetupEvent, **fields: Any) -> MeetupEvent:
    """Edit an event. More seats promote people from the waitlist (notified after commit); fewer
    seats than people already going are refused."""
    require(perms.can_edit_event(actor, event))
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    try:
        with transaction.atomic():
            locked = MeetupEvent.objects.select_for_update().select_related("series").get(pk=event.pk)
            before = _snapshot(locked, EVENT_FIELDS)
            for name, value in fields.items():
                setattr(locked, name, value)
            _validate_event(locked)
            if locked.capacity is not None and locked.capacity < locked.going_count:
                raise ValidationError(
                    {
                        "capacity": _("%(count)d people are already going; the meetup needs at least as many seats.")
                        % {"count": locked.going_count}
                    },
                    code="capacity",
                )
            promoted = promote_waitlisted(locked)
            locked.save()
            if promoted:
                events.rsvp_promoted(event_id=locked.pk, user_ids=promoted)
            audit_log(
                actor=actor.user,
                action="meetup_event.updated",
                target=locked,
                before=before,
                after=_snapshot(locked, EVENT_FIELDS),
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"starts_at": _("This series already has a meetup at that time.")}, code="duplicate"
        ) from exc
    return locked


def event_cancel(*, actor: Viewer, event: MeetupEvent, reason: str = "") -> MeetupEvent:
    """Cancel an event; people going or waiting hear about it after commit. Writes one audit row."""
    require(perms.can_cancel_event(actor, event))
    with transaction.atomic():
        locked = MeetupEvent.objects.select_for_update().select_related("series").get(pk=event.pk)
        if locked.cancelled:
            return locked
        locked.cancelled = True
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled", "cancelled_at", "updated_at"])
        audit_log(
            actor=actor.user,
            action="meetup_event.cancelled",
            target=locked,
            reason=reason[:1000],
            before={"cancelled": False},
            after={"cancelled": True},
        )
        events.meetup_cancelled(event_id=locked.pk, actor_id=actor.user_id)
    return locked
