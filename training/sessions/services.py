"""Sessions, seats with a waitlist, attendance, reminders and calendar tokens.

Seats are contended: every booking change locks the session row (``select_for_update``) first, so
the stored counters and the waitlist positions change one booking at a time and a session can never
be over-booked. Waitlist positions are compact (1..n) and follow the order in which people came
(the lock order, i.e. booking time, ties by id).

Side effects (promotion, cancellation, reminder notices) are outbox events of
:mod:`training.sessions.events`, recorded in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer
from training.programmes.models import Programme, Step
from training.programmes.services import enrolment_ensure, step_complete_for_session
from training.roles import forget_trainer_map

from . import events
from . import permissions as perms
from .models import CalendarToken, Session, SessionBooking, new_calendar_token

Status = SessionBooking.Status
Attendance = SessionBooking.Attendance
SESSION_FIELDS = (
    "title",
    "description",
    "starts_at",
    "time_zone",
    "duration_minutes",
    "place",
    "online_url",
    "capacity",
    "step",
)
# Shifting positions up by this offset first keeps the partial unique index on (session, position)
# satisfied while the waitlist closes a gap (PostgreSQL checks it row by row).
_SHIFT = 1_000_000


def _validate_session(session: Session) -> None:
    errors: dict[str, Any] = {}
    try:
        ZoneInfo(session.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = _("Unknown time zone.")
    if not session.place and not session.online_url:
        errors["place"] = _("Please give a place or an online link.")
    if session.capacity < 1:
        errors["capacity"] = _("A session needs at least one seat.")
    if session.step_id is not None and (
        session.step is None
        or session.step.programme_id != session.programme_id
        or session.step.kind != Step.Kind.SESSION
    ):
        errors["step"] = _("Choose a live-session step of this programme.")
    if errors:
        raise ValidationError(errors)


def _snapshot(session: Session) -> dict[str, Any]:
    return {
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "time_zone": session.time_zone,
        "capacity": session.capacity,
    }


@idempotent("training.session_create", replay=lambda pk: Session.objects.get(pk=pk))
def session_create(
    *,
    actor: Viewer,
    programme: Programme,
    data: dict[str, Any],
    trainer_ids: list[int],
    idempotency_key: uuid.UUID | None = None,
) -> Session:
    """Create a session of ``programme`` (training coordinators); audited. With ``idempotency_key``
    (the form's), sending the same form again returns the session it created."""
    require(perms.can_create_session(actor, programme))
    session = Session(programme=programme, created_by_id=actor.user_id)
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    _validate_session(session)
    session.save()
    session.trainers.set(trainer_ids)
    audit_log(actor=actor.user, action="training.session_create", target=session, after=_snapshot(session))
    forget_trainer_map(actor)
    return session


def session_update(
    *, actor: Viewer, session: Session, data: dict[str, Any], trainer_ids: list[int] | None = None
) -> Session:
    """Edit a session (training coordinators and its trainers; only coordinators change trainers).

    More seats move waitlisted people up (notified); fewer seats than bookings are refused.
    """
    require(perms.can_manage_session(actor, session))
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("programme").get(pk=session.pk)
        before = _snapshot(locked)
        for name in SESSION_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        _validate_session(locked)
        if locked.capacity < locked.booked_count:
            raise ValidationError(
                {"capacity": _("%(count)s people hold a seat; cancel bookings first.") % {"count": locked.booked_count}}
            )
        locked.save(update_fields=[*SESSION_FIELDS, "updated_at"])
        if trainer_ids is not None and perms.can_set_trainers(actor):
            locked.trainers.set(trainer_ids)
        while locked.booked_count < locked.capacity and locked.waitlist_count:
            _promote_first(locked)
        audit_log(
            actor=actor.user, action="training.session_update", target=locked, before=before, after=_snapshot(locked)
        )
    forget_trainer_map(actor)
    return locked


def session_cancel(*, actor: Viewer, session: Session, reason: str = "") -> Session:
    """Cancel a session (training coordinators): everyone booked or waitlisted is notified after
    commit; their bookings stay as they were, for the record. Audited."""
    require(perms.can_cancel_session(actor, session))
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        require(locked.cancelled_at is None)
        locked.cancelled_at, locked.cancel_reason = timezone.now(), reason.strip()[:300]
        locked.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        audit_log(actor=actor.user, action="training.session_cancel", target=locked, reason=locked.cancel_reason)
        events.session_cancelled(locked, actor_id=actor.user_id)
    session.cancelled_at, session.cancel_reason = locked.cancelled_at, locked.cancel_reason
    return session


def session_book(*, actor: Viewer, session: Session) -> SessionBooking:
    """Book a seat for the actor, or a place on the waitlist when the session is full.

    Locks the session row; idempotent for people already booked or waitlisted. Booking enrols the
    learner in the programme. A cancelled booking is reopened (at the end of the waitlist if full).
    """
    require(perms.can_book_session(actor, session))
    assert actor.user_id is not None
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        require(locked.cancelled_at is None)
        booking = SessionBooking.objects.filter(session=locked, user_id=actor.user_id).first()
        if booking is not None and booking.status != Status.CANCELLED:
            return booking
        now = timezone.now()
        if locked.booked_count < locked.capacity:
            status, position = Status.BOOKED, None
            locked.booked_count += 1
        else:
            locked.waitlist_count += 1
            status, position = Status.WAITLISTED, locked.waitlist_count
        if booking is None:
            booking = SessionBooking.objects.create(
                session=locked, user_id=actor.user_id, status=status, position=position, booked_at=now
            )
        else:
            booking.status, booking.position, booking.booked_at, booking.cancelled_at = status, position, now, None
            booking.reminded_at = None
            booking.save(update_fields=["status", "position", "booked_at", "cancelled_at", "reminded_at"])
        locked.save(update_fields=["booked_count", "waitlist_count"])
        enrolment_ensure(user_id=actor.user_id, programme=session.programme)
        events.session_booked(booking)
    session.booked_count, session.waitlist_count = locked.booked_count, locked.waitlist_count
    return booking


def _close_gap(session: Session, position: int) -> None:
    waiting = SessionBooking.objects.filter(session=session, status=Status.WAITLISTED, position__gt=position)
    waiting.update(position=F("position") + _SHIFT)
    SessionBooking.objects.filter(session=session, status=Status.WAITLISTED, position__gt=_SHIFT).update(
        position=F("position") - _SHIFT - 1
    )


def _promote_first(session: Session) -> SessionBooking | None:
    """Give the next free seat to the first person on the waitlist (session locked by the caller)."""
    first = (
        SessionBooking.objects.filter(session=session, status=Status.WAITLISTED)
        .order_by("position", "booked_at", "id")
        .first()
    )
    if first is None:
        session.waitlist_count = 0
        session.save(update_fields=["waitlist_count"])
        return None
    position = first.position or 0
    first.status, first.position = Status.BOOKED, None
    first.save(update_fields=["status", "position"])
    _close_gap(session, position)
    session.booked_count += 1
    session.waitlist_count -= 1
    session.save(update_fields=["booked_count", "waitlist_count"])
    events.booking_promoted(first)
    return first


def booking_cancel(*, actor: Viewer, booking: SessionBooking) -> SessionBooking:
    """Give up a seat or a waitlist place. A freed seat goes to the first waitlisted person, who is
    notified after commit; the waitlist behind closes up."""
    require(perms.can_cancel_booking(actor, booking))
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=booking.session_id)
        locked = SessionBooking.objects.get(pk=booking.pk)
        if locked.status == Status.CANCELLED:
            return locked
        was, position = locked.status, locked.position
        locked.status, locked.position, locked.cancelled_at = Status.CANCELLED, None, timezone.now()
        locked.save(update_fields=["status", "position", "cancelled_at"])
        if was == Status.BOOKED:
            session.booked_count -= 1
            session.save(update_fields=["booked_count"])
            if session.cancelled_at is None and session.waitlist_count:
                _promote_first(session)
        else:
            session.waitlist_count -= 1
            session.save(update_fields=["waitlist_count"])
            _close_gap(session, position or 0)
    booking.status, booking.position, booking.cancelled_at = locked.status, locked.position, locked.cancelled_at
    return booking


def attendance_mark(*, actor: Viewer, session: Session, booking: SessionBooking, attendance: str) -> SessionBooking:
    """Mark one booked person present, excused or absent (trainers, training coordinators).

    One audit row per marking. "Present" completes the session's step (the session's own step, or
    the programme's first live-session step) and may issue the certificate.
    """
    require(perms.can_mark_attendance(actor, session))
    if booking.session_id != session.pk or booking.status != Status.BOOKED:
        raise ValidationError(_("Only people with a seat can be marked."))
    if attendance not in (Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT):
        raise ValidationError(_("Choose present, excused or absent."))
    if session.starts_at > timezone.now() + timedelta(hours=1):
        raise ValidationError(_("Attendance can be marked from one hour before the start."))
    with transaction.atomic():
        before = booking.attendance
        booking.attendance, booking.attendance_marked_at, booking.attendance_marked_by_id = (
            attendance,
            timezone.now(),
            actor.user_id,
        )
        booking.save(update_fields=["attendance", "attendance_marked_at", "attendance_marked_by"])
        audit_log(
            actor=actor.user,
            action="training.attendance_mark",
            target=booking,
            before={"attendance": before},
            after={"attendance": attendance, "user": booking.user_id, "session": session.pk},
        )
        if attendance == Attendance.PRESENT:
            step = session.step
            if step is None:
                step = (
                    Step.objects.filter(programme_id=session.programme_id, kind=Step.Kind.SESSION)
                    .order_by("position", "id")
                    .first()
                )
            if step is not None:
                step_complete_for_session(user_id=booking.user_id, session_step=step)
    return booking


def attendance_mark_many(*, actor: Viewer, session: Session, marks: Mapping[int, str]) -> int:
    """Mark several booked people at once (the roster form: ``{booking id: attendance}``) in one
    transaction; returns how many marks changed. Unknown bookings and unchanged marks are skipped;
    a refused mark refuses them all (:class:`ValidationError`)."""
    require(perms.can_mark_attendance(actor, session))
    changed = 0
    with transaction.atomic():
        bookings = {b.pk: b for b in SessionBooking.objects.filter(session=session, pk__in=list(marks))}
        for pk, value in sorted(marks.items()):
            booking = bookings.get(pk)
            if booking is None or booking.attendance == value:
                continue
            attendance_mark(actor=actor, session=session, booking=booking, attendance=value)
            changed += 1
    return changed


def session_reminders_send(*, now: datetime | None = None) -> int:
    """Remind everyone holding a seat in a session that starts within the next 24 hours; idempotent
    (each booking is stamped ``reminded_at`` in the transaction that selects it). Returns the count."""
    moment = now or timezone.now()
    with transaction.atomic():
        ids = list(
            SessionBooking.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=Status.BOOKED,
                reminded_at__isnull=True,
                session__cancelled_at__isnull=True,
                session__starts_at__gt=moment,
                session__starts_at__lte=moment + timedelta(hours=24),
            )
            .values_list("pk", flat=True)
        )
        if ids:
            SessionBooking.objects.filter(pk__in=ids).update(reminded_at=moment)
            events.bookings_reminded(ids)
    return len(ids)


def calendar_token_for(*, actor: Viewer) -> CalendarToken:
    """The actor's feed token, created on first use."""
    require(actor.is_authenticated)
    token, _created = CalendarToken.objects.get_or_create(user_id=actor.user_id)
    return token


def calendar_token_regenerate(*, actor: Viewer) -> CalendarToken:
    """Replace the actor's feed token: the old address stops working at once."""
    require(actor.is_authenticated)
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(user_id=actor.user_id)
        if not created:
            token.token, token.created_at = new_calendar_token(), timezone.now()
            token.save(update_fields=["token", "created_at"])
    return token
