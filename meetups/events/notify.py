"""Notifications of meetups: the kinds, the fan-out work, and the outbox subscribers that run it.

Each function recomputes its recipients from committed state and hands them to
:func:`intranet.notifications.services.notify`, which is idempotent per recipient and event key, so
running a delivery twice notifies nobody twice. The subscribers below are ``QUEUED`` (a Celery
worker, inline when Celery runs eagerly) and registered by importing this module from
``MeetupsConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import NotifyResult, notify

from . import events
from .models import RSVP, MeetupEvent

PROMOTED = "meetup.promoted"
REMINDER = "meetup.reminder"
CANCELLED = "meetup.cancelled"

Status = RSVP.Status


def register() -> None:
    """Register the kinds (called from ``MeetupsConfig.ready``)."""
    register_kind(
        PROMOTED,
        gettext_lazy("A seat became free for me at a meetup"),
        Delivery.IMMEDIATE,
        lambda p, c: _("A seat became free: you are now going to “%(title)s” on %(when)s.") % p,
    )
    register_kind(
        REMINDER,
        gettext_lazy("Reminders of meetups I am going to"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Reminder: “%(title)s” starts on %(when)s.") % p,
    )
    register_kind(
        CANCELLED,
        gettext_lazy("Cancelled meetups I wanted to attend"),
        Delivery.IMMEDIATE,
        lambda p, c: _("“%(title)s” on %(when)s has been cancelled.") % p,
    )


def event_params(event: MeetupEvent) -> dict[str, Any]:
    local = event.local_start
    return {
        "title": event.display_title,
        "when": f"{local:%Y-%m-%d %H:%M} ({event.time_zone})",
        "event": event.pk,
    }


def _event(event_id: int) -> MeetupEvent | None:
    return MeetupEvent.objects.select_related("series").filter(pk=event_id).first()


def notify_promoted(event_id: int, user_ids: list[int]) -> int:
    """Tell the people moved up from the waitlist that they now have a seat."""
    event = _event(event_id)
    if event is None or event.cancelled:
        return 0
    still_going = list(
        RSVP.objects.filter(event=event, user_id__in=user_ids, status=Status.GOING).values_list("user_id", flat=True)
    )
    result = notify(
        recipient_ids=still_going,
        kind=PROMOTED,
        event_key=f"meetup.promoted:{event.pk}",
        url=reverse("meetups:event_detail", kwargs={"pk": event.pk}),
        params=event_params(event),
    )
    return _created(result)


def notify_reminder(event_id: int, user_ids: list[int]) -> int:
    """Remind the people going (their answers were stamped by the reminder job)."""
    event = _event(event_id)
    if event is None or event.cancelled:
        return 0
    result = notify(
        recipient_ids=user_ids,
        kind=REMINDER,
        event_key=f"meetup.reminder:{event.pk}",
        url=reverse("meetups:event_detail", kwargs={"pk": event.pk}),
        params=event_params(event),
    )
    return _created(result)


def notify_cancelled(event_id: int, actor_id: int | None) -> int:
    event = _event(event_id)
    if event is None or not event.cancelled:
        return 0
    user_ids = RSVP.objects.filter(event=event, status__in=[Status.GOING, Status.WAITLIST]).values_list(
        "user_id", flat=True
    )
    result = notify(
        recipient_ids=list(user_ids),
        kind=CANCELLED,
        event_key=f"meetup.cancelled:{event.pk}",
        actor=actor_id,
        url=reverse("meetups:event_detail", kwargs={"pk": event.pk}),
        params=event_params(event),
    )
    return _created(result)


def _created(result: NotifyResult) -> int:
    return len(result.recipient_ids)


# Outbox subscribers -------------------------------------------------------------------------------


@subscriber(events.RSVP_PROMOTED, name="meetups.events.notify_promoted")
def on_rsvp_promoted(event: Event) -> None:
    notify_promoted(event["event_id"], list(event["user_ids"]))


@subscriber(events.MEETUP_CANCELLED, name="meetups.events.notify_cancelled")
def on_meetup_cancelled(event: Event) -> None:
    notify_cancelled(event["event_id"], event.get("actor_id"))


@subscriber(events.RSVP_REMINDED, name="meetups.events.notify_reminder")
def on_rsvp_reminded(event: Event) -> None:
    notify_reminder(event["event_id"], list(event["user_ids"]))
