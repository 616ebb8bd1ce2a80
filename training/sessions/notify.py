"""Notifications of sessions: a seat from the waitlist, a cancelled session, tomorrow's reminder.

The subscribers run queued (in a worker) after the event's transaction committed; each re-reads the
committed rows and notifies with one event key per event and person, so a delivery that runs twice
notifies nobody twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from . import events
from .models import Session, SessionBooking

PROMOTED = "training.waitlist_promoted"
CANCELLED = "training.session_cancelled"
REMINDER = "training.session_reminder"


def register() -> None:
    """Register the kinds (called from ``TrainingConfig.ready``)."""
    register_kind(
        PROMOTED,
        gettext_lazy("A seat from the waitlist of a training session"),
        Delivery.IMMEDIATE,
        lambda p, c: _("A seat became free: you are now booked for “%(session)s” on %(when)s") % p,
    )
    register_kind(
        CANCELLED,
        gettext_lazy("Cancelled training sessions"),
        Delivery.IMMEDIATE,
        lambda p, c: _("The training session “%(session)s” on %(when)s was cancelled") % p,
    )
    register_kind(
        REMINDER,
        gettext_lazy("Reminders of my training sessions"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Reminder: the training session “%(session)s” starts on %(when)s") % p,
    )


def _when(session: Session) -> str:
    local = session.local_starts_at
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({session.time_zone})"


def _session_params(session: Session) -> Mapping[str, Any]:
    return {"session": session.title, "when": _when(session), "programme": session.programme.title}


def notify_waitlist_promoted(booking_id: int) -> None:
    booking = SessionBooking.objects.select_related("session__programme").filter(pk=booking_id).first()
    if booking is None or booking.status != SessionBooking.Status.BOOKED or booking.session.is_cancelled:
        return
    session = booking.session
    notify(
        recipient_ids=[booking.user_id],
        kind=PROMOTED,
        event_key=f"training.promoted:{booking.pk}:{int(booking.booked_at.timestamp())}",
        url=reverse("training:session_detail", args=[session.pk]),
        params=_session_params(session),
    )


def notify_session_cancelled(session_id: int, actor_id: int | None) -> None:
    session = Session.objects.select_related("programme").filter(pk=session_id).first()
    if session is None or not session.is_cancelled:
        return
    ids = list(
        SessionBooking.objects.filter(
            session=session, status__in=[SessionBooking.Status.BOOKED, SessionBooking.Status.WAITLISTED]
        ).values_list("user_id", flat=True)
    )
    notify(
        recipient_ids=ids,
        kind=CANCELLED,
        event_key=f"training.cancelled:{session.pk}",
        actor=actor_id,
        url=reverse("training:session_detail", args=[session.pk]),
        params=_session_params(session),
    )


def notify_session_reminder(booking_id: int) -> None:
    booking = SessionBooking.objects.select_related("session__programme").filter(pk=booking_id).first()
    if booking is None or booking.status != SessionBooking.Status.BOOKED or booking.session.is_cancelled:
        return
    session = booking.session
    notify(
        recipient_ids=[booking.user_id],
        kind=REMINDER,
        event_key=f"training.reminder:{booking.pk}:{int(session.starts_at.timestamp())}",
        url=reverse("training:session_detail", args=[session.pk]),
        params=_session_params(session),
    )


# Subscribers ------------------------------------------------------------------------------------


@subscriber(events.BOOKING_PROMOTED, name="training.sessions.notify_promoted")
def on_booking_promoted(event: Event) -> None:
    notify_waitlist_promoted(event["booking_id"])


@subscriber(events.SESSION_CANCELLED, name="training.sessions.notify_cancelled")
def on_session_cancelled(event: Event) -> None:
    notify_session_cancelled(event["session_id"], event.get("actor_id"))


@subscriber(events.BOOKING_REMINDED, name="training.sessions.notify_reminder")
def on_booking_reminded(event: Event) -> None:
    notify_session_reminder(event["booking_id"])
