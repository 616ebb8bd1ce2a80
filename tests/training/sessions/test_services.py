"""Services of sessions: seats, the waitlist, cancellation, attendance and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from tests.factories import UserFactory
from tests.training.conftest import viewer_of
from training.models import Enrolment, SessionBooking, StepProgress
from training.sessions import notify as session_notify
from training.sessions.services import (
    attendance_mark,
    booking_cancel,
    session_book,
    session_cancel,
    session_reminders_send,
    session_update,
)

pytestmark = pytest.mark.django_db

Status = SessionBooking.Status


def book(user, session):
    return session_book(actor=viewer_of(user), session=session)


def test_booking_fills_seats_then_waitlist(session):
    people = UserFactory.create_batch(4)
    bookings = [book(p, session) for p in people]
    assert [b.status for b in bookings] == [Status.BOOKED, Status.BOOKED, Status.WAITLISTED, Status.WAITLISTED]
    assert [b.position for b in bookings] == [None, None, 1, 2]
    session.refresh_from_db()
    assert (session.booked_count, session.waitlist_count) == (2, 2)
    # Booking twice changes nothing.
    assert book(people[0], session).pk == bookings[0].pk
    session.refresh_from_db()
    assert session.booked_count == 2
    # Booking enrols in the programme.
    assert Enrolment.objects.filter(user=people[0], programme=session.programme).exists()


def test_cancel_promotes_first_waitlisted_and_notifies(session, django_capture_on_commit_callbacks):
    people = UserFactory.create_batch(5)
    bookings = [book(p, session) for p in people]
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=viewer_of(people[0]), booking=bookings[0])
    rows = {b.user_id: b for b in SessionBooking.objects.filter(session=session)}
    assert rows[people[2].pk].status == Status.BOOKED and rows[people[2].pk].position is None
    assert [rows[p.pk].position for p in people[3:]] == [1, 2]
    session.refresh_from_db()
    assert (session.booked_count, session.waitlist_count) == (2, 2)
    note = Notification.objects.get(recipient=people[2], kind=session_notify.PROMOTED)
    assert "Workshop" in note.params["session"]
    assert not Notification.objects.filter(kind=session_notify.PROMOTED).exclude(recipient=people[2]).exists()


def test_leaving_the_waitlist_closes_the_gap(session):
    people = UserFactory.create_batch(6)
    bookings = [book(p, session) for p in people]
    booking_cancel(actor=viewer_of(people[3]), booking=bookings[3])
    positions = dict(
        SessionBooking.objects.filter(session=session, status=Status.WAITLISTED).values_list("user_id", "position")
    )
    assert positions == {people[2].pk: 1, people[4].pk: 2, people[5].pk: 3}
    # Rebooking goes to the end of the queue.
    again = book(people[3], session)
    assert (again.status, again.position) == (Status.WAITLISTED, 4)


def test_more_seats_promote_waitlisted(session, coordinator):
    people = UserFactory.create_batch(4)
    for p in people:
        book(p, session)
    session_update(actor=viewer_of(coordinator), session=session, data={"capacity": 3})
    assert SessionBooking.objects.get(session=session, user=people[2]).status == Status.BOOKED
    assert SessionBooking.objects.get(session=session, user=people[3]).position == 1


def test_fewer_seats_than_bookings_is_refused(session, coordinator):
    for p in UserFactory.create_batch(2):
        book(p, session)
    with pytest.raises(ValidationError):
        session_update(actor=viewer_of(coordinator), session=session, data={"capacity": 1})


def test_cancel_session_notifies_everyone_and_is_audited(session, coordinator, django_capture_on_commit_callbacks):
    people = UserFactory.create_batch(3)
    for p in people:
        book(p, session)
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(actor=viewer_of(coordinator), session=session, reason="Trainer ill")
    assert set(Notification.objects.filter(kind=session_notify.CANCELLED).values_list("recipient_id", flat=True)) == {
        p.pk for p in people
    }
    entry = AuditEntry.objects.get(action="training.session_cancel")
    assert entry.actor_id == coordinator.pk and entry.reason == "Trainer ill"
    with pytest.raises(PermissionDenied):
        book(UserFactory.create(), session)


def test_attendance_is_audited_and_present_completes_the_step(session, coordinator, steps):
    person = UserFactory.create()
    booking = book(person, session)
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=10)):
        attendance_mark(actor=viewer_of(coordinator), session=session, booking=booking, attendance="present")
    assert AuditEntry.objects.filter(action="training.attendance_mark", actor=coordinator).count() == 1
    progress = StepProgress.objects.get(enrolment__user=person, step=steps["session"])
    assert progress.state == StepProgress.State.DONE
    assert Enrolment.objects.get(user=person).steps_done == 1


def test_attendance_cannot_be_marked_long_before_the_start(session, coordinator):
    booking = book(UserFactory.create(), session)
    with pytest.raises(ValidationError):
        attendance_mark(actor=viewer_of(coordinator), session=session, booking=booking, attendance="present")
    assert not AuditEntry.objects.filter(action="training.attendance_mark").exists()


def test_reminders_once_a_day_before(session, django_capture_on_commit_callbacks, mailoutbox):
    person = UserFactory.create()
    book(person, session)
    with time_machine.travel(session.starts_at - dt.timedelta(hours=30)):
        assert session_reminders_send() == 0
    with time_machine.travel(session.starts_at - dt.timedelta(hours=20)):
        with django_capture_on_commit_callbacks(execute=True):
            assert session_reminders_send() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert session_reminders_send() == 0
    assert Notification.objects.filter(recipient=person, kind=session_notify.REMINDER).count() == 1
    assert any(person.email in m.to for m in mailoutbox)


def test_trainer_marks_attendance_but_cannot_cancel(session, coordinator):
    trainer = UserFactory.create()
    session.trainers.add(trainer)
    booking = book(UserFactory.create(), session)
    with time_machine.travel(session.starts_at):
        attendance_mark(actor=viewer_of(trainer), session=session, booking=booking, attendance="excused")
    with pytest.raises(PermissionDenied):
        session_cancel(actor=viewer_of(trainer), session=session)
    assert timezone.now() < session.starts_at
