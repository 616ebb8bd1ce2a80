"""Domain events of sessions and bookings, recorded in the outbox with the change.

Subscribers: :mod:`training.sessions.notify`.
"""

from __future__ import annotations

from intranet.core import outbox

from .models import Session, SessionBooking

BOOKING_PROMOTED = "session_booking.promoted"
BOOKING_REMINDED = "session_booking.reminded"
SESSION_CANCELLED = "training_session.cancelled"
SESSION_BOOKED = "training_session.booked"

outbox.declare(BOOKING_PROMOTED, BOOKING_REMINDED, SESSION_CANCELLED, SESSION_BOOKED)


def booking_promoted(booking: SessionBooking) -> None:
    """A waitlisted person got a seat."""
    outbox.record(BOOKING_PROMOTED, booking_id=booking.pk, session_id=booking.session_id, user_id=booking.user_id)


def bookings_reminded(booking_ids: list[int]) -> None:
    """The bookings were stamped for their reminder (the session starts within a day); one event
    each, recorded together."""
    outbox.record_many(BOOKING_REMINDED, [{"booking_id": pk} for pk in booking_ids])


def session_cancelled(session: Session, *, actor_id: int | None) -> None:
    outbox.record(SESSION_CANCELLED, session_id=session.pk, actor_id=actor_id)


def session_booked(booking: SessionBooking) -> None:
    """Someone booked a seat or joined the waitlist (``status`` says which)."""
    outbox.record(
        SESSION_BOOKED,
        booking_id=booking.pk,
        session_id=booking.session_id,
        user_id=booking.user_id,
        status=booking.status,
    )
