"""Services of the training core: booking and waitlist, attendance, reminders, certificates."""

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
from tests.training.factories import SessionFactory
from training import notify
from training.models import Certificate, Enrolment, SessionBooking, Step, StepProgress
from training.selectors import certificates_for_users, valid_certificate_exists
from training.services_certificates import certificate_expiry_reminders_send, certificate_revoke
from training.services_hooks import step_complete_for_exam
from training.services_programmes import enrolment_create, exercise_submit, step_mark_done
from training.services_sessions import (
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
    note = Notification.objects.get(recipient=people[2], kind=notify.PROMOTED)
    assert "Workshop" in note.params["session"]
    assert not Notification.objects.filter(kind=notify.PROMOTED).exclude(recipient=people[2]).exists()


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
    assert set(Notification.objects.filter(kind=notify.CANCELLED).values_list("recipient_id", flat=True)) == {
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
    assert Notification.objects.filter(recipient=person, kind=notify.REMINDER).count() == 1
    assert any(person.email in m.to for m in mailoutbox)


def complete_everything(user, programme, steps, session, coordinator):
    viewer = viewer_of(user)
    enrolment_create(actor=viewer, programme=programme)
    step_mark_done(actor=viewer, step=steps["reading"])
    exercise_submit(actor=viewer, step=steps["exercise"], answer="Hello and welcome!")
    booking = session_book(actor=viewer, session=session)
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=5)):
        attendance_mark(actor=viewer_of(coordinator), session=session, booking=booking, attendance="present")
    return step_complete_for_exam(user_id=user.pk, exam_step_id=steps["exam"].pk)


def test_certificate_issued_when_all_required_steps_are_done(
    programme, steps, session, coordinator, learner, django_capture_on_commit_callbacks
):
    viewer = viewer_of(learner)
    enrolment_create(actor=viewer, programme=programme)
    step_mark_done(actor=viewer, step=steps["reading"])
    exercise_submit(actor=viewer, step=steps["exercise"], answer="Welcome!")
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner, programme=programme)
    assert len(cert.code) == 12 and cert.code.isalnum() and cert.code.upper() == cert.code
    assert cert.expires_at is not None and 700 < (cert.expires_at - cert.issued_at).days < 740
    assert AuditEntry.objects.filter(action="training.certificate_issue", target_id=str(cert.pk)).count() == 1
    assert Notification.objects.filter(recipient=learner, kind=notify.ISSUED).exists()
    assert Enrolment.objects.get(user=learner).completed_at is not None
    # Running the exam hook again issues nothing new.
    step_complete_for_exam(user_id=learner.pk, exam_step_id=steps["exam"].pk)
    assert Certificate.objects.filter(user=learner).count() == 1
    assert valid_certificate_exists(learner.pk, programme.pk)
    assert [c.pk for c in certificates_for_users([learner.pk, coordinator.pk])[learner.pk]] == [cert.pk]


def test_optional_steps_are_not_required(programme, steps, learner):
    Step.objects.filter(pk__in=[steps["session"].pk, steps["exercise"].pk]).update(required=False)
    viewer = viewer_of(learner)
    enrolment_create(actor=viewer, programme=programme)
    step_mark_done(actor=viewer, step=steps["reading"])
    assert not Certificate.objects.exists()
    step_complete_for_exam(user_id=learner.pk, exam_step_id=steps["exam"].pk)
    assert Certificate.objects.filter(user=learner).count() == 1


def test_exam_hook_ignores_non_exam_steps(steps, learner):
    assert step_complete_for_exam(user_id=learner.pk, exam_step_id=steps["reading"].pk) is None
    assert step_complete_for_exam(user_id=learner.pk, exam_step_id=999999) is None
    assert not StepProgress.objects.exists()


def test_revoke_is_audited_and_certificate_no_longer_valid(programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    certificate_revoke(actor=viewer_of(coordinator), certificate=cert, reason="Fraud")
    assert AuditEntry.objects.filter(action="training.certificate_revoke", reason="Fraud").count() == 1
    assert not valid_certificate_exists(learner.pk, programme.pk)
    assert certificates_for_users([learner.pk]) == {}
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.REVOKED


def test_expiry_reminders_thirty_days_before_once(
    programme, steps, session, coordinator, learner, django_capture_on_commit_callbacks
):
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    assert cert.expires_at is not None
    with time_machine.travel(cert.expires_at - dt.timedelta(days=31), tick=False):
        assert certificate_expiry_reminders_send() == 0
    with time_machine.travel(cert.expires_at - dt.timedelta(days=29), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert certificate_expiry_reminders_send() == 1
        assert certificate_expiry_reminders_send() == 0
    with time_machine.travel(cert.expires_at - dt.timedelta(days=5), tick=False):
        assert certificate_expiry_reminders_send() == 0
    assert Notification.objects.filter(recipient=learner, kind=notify.EXPIRING).count() == 1
    with time_machine.travel(cert.expires_at + dt.timedelta(days=1), tick=False):
        assert cert.status == Certificate.Status.EXPIRED
        assert not valid_certificate_exists(learner.pk, programme.pk)


def test_recertification_supersedes_an_expired_certificate(programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    old = Certificate.objects.get(user=learner)
    assert old.expires_at is not None
    later = SessionFactory.create(
        programme=programme, step=steps["session"], starts_at=old.expires_at + dt.timedelta(days=10)
    )
    with time_machine.travel(old.expires_at + dt.timedelta(days=1)):
        # Completing a required step again after expiry re-checks and issues a fresh certificate.
        StepProgress.objects.filter(step=steps["session"]).delete()
        booking = session_book(actor=viewer_of(learner), session=later)
    with time_machine.travel(later.starts_at + dt.timedelta(minutes=5)):
        attendance_mark(actor=viewer_of(coordinator), session=later, booking=booking, attendance="present")
        current = Certificate.objects.get(user=learner, superseded_at__isnull=True)
        assert current.pk != old.pk and current.status == Certificate.Status.VALID
    old.refresh_from_db()
    assert old.superseded_at is not None


def test_trainer_marks_attendance_but_cannot_cancel(session, coordinator):
    trainer = UserFactory.create()
    session.trainers.add(trainer)
    booking = book(UserFactory.create(), session)
    with time_machine.travel(session.starts_at):
        attendance_mark(actor=viewer_of(trainer), session=session, booking=booking, attendance="excused")
    with pytest.raises(PermissionDenied):
        session_cancel(actor=viewer_of(trainer), session=session)
    assert timezone.now() < session.starts_at
