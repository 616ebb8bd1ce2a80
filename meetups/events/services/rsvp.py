"""Answers to events: going, the waitlist when the event is full, not going, and promotion.

Every change locks the event row (``SELECT ... FOR UPDATE``) first, so concurrent answers queue up
behind each other: the seat counter is read and written by one transaction at a time and an event is
never over-booked (a check constraint backs this up). The order in which answers took the lock is
stored in ``RSVP.sequence``; the waitlist is served in that order.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from intranet.core.permissions import require
from intranet.core.viewer import Viewer

from .. import events
from .. import permissions as perms
from ..models import RSVP, CalendarFeed, MeetupEvent, new_feed_token

Status = RSVP.Status


def promote_waitlisted(event: MeetupEvent) -> list[int]:
    """Move people from the waitlist to going while seats are free; return their user ids.

    The caller holds the lock on ``event`` and saves its counters.
    """
    if event.cancelled or event.waitlist_count == 0:
        return []
    free = None if event.capacity is None else event.capacity - event.going_count
    if free is not None and free <= 0:
        return []
    waiting = RSVP.objects.filter(event=event, status=Status.WAITLIST).order_by("sequence", "id")
    if free is not None:
        waiting = waiting[:free]
    rows = list(waiting.values_list("id", "user_id"))
    if not rows:
        return []
    RSVP.objects.filter(id__in=[r[0] for r in rows]).update(status=Status.GOING, promoted_at=timezone.now())
    event.going_count += len(rows)
    event.waitlist_count -= len(rows)
    return [r[1] for r in rows]


def rsvp_set(*, actor: Viewer, event_id: int, status: str) -> RSVP:
    """Answer ``event_id`` for the actor: ``going`` (a seat, or the waitlist when full) or
    ``not_going`` (frees the seat; the first person waiting moves up and is notified after commit).

    Locks the event row for the whole transaction. Answering ``going`` again keeps one's place.
    """
    if status not in (Status.GOING, Status.NOT_GOING, Status.WAITLIST):
        raise ValueError(f"unknown answer {status!r}")
    promoted: list[int] = []
    with transaction.atomic():
        event = MeetupEvent.objects.select_for_update().get(pk=event_id)
        require(perms.can_rsvp(actor, event))
        user_id = actor.user_id
        assert user_id is not None  # can_rsvp() refuses anonymous people
        rsvp = RSVP.objects.filter(event=event, user_id=user_id).first()
        old = rsvp.status if rsvp is not None else None
        wants_seat = status in (Status.GOING, Status.WAITLIST)
        if wants_seat and old in (Status.GOING, Status.WAITLIST):
            assert rsvp is not None
            return rsvp
        if not wants_seat and old in (None, Status.NOT_GOING):
            new = Status.NOT_GOING
        elif wants_seat:
            new = Status.WAITLIST if event.is_full or event.waitlist_count > 0 else Status.GOING
        else:
            new = Status.NOT_GOING
        if rsvp is None:
            rsvp = RSVP(event=event, user_id=user_id)
        if old == Status.GOING:
            event.going_count -= 1
        elif old == Status.WAITLIST:
            event.waitlist_count -= 1
        if new == Status.GOING:
            event.going_count += 1
        elif new == Status.WAITLIST:
            event.waitlist_count += 1
        if wants_seat:
            event.rsvp_sequence += 1
            rsvp.sequence = event.rsvp_sequence
        rsvp.status = new
        rsvp.responded_at = timezone.now()
        rsvp.promoted_at = None
        rsvp.save()
        if old == Status.GOING:
            promoted = promote_waitlisted(event)
        event.save(update_fields=["going_count", "waitlist_count", "rsvp_sequence", "updated_at"])
        if promoted:
            events.rsvp_promoted(event_id=event.pk, user_ids=promoted)
    return rsvp


def calendar_feed_get_or_create(*, actor: Viewer) -> CalendarFeed:
    """The actor's personal feed address (created on first use)."""
    require(actor.is_authenticated)
    feed, _created = CalendarFeed.objects.get_or_create(user_id=actor.user_id)
    return feed


def calendar_feed_regenerate(*, actor: Viewer) -> CalendarFeed:
    """Give the actor's feed a new secret address; the old one stops working at once."""
    require(actor.is_authenticated)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user_id=actor.user_id)
        if not created:
            feed.token = new_feed_token()
            feed.created_at = timezone.now()
            feed.save(update_fields=["token", "created_at"])
    return feed
