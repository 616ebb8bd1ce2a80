"""Services of certificates: automatic issue, revocation, expiry reminders and recertification."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from tests.training.conftest import complete_everything, viewer_of
from tests.training.factories import SessionFactory
from training.certificates import notify as certificate_notify
from training.certificates.selectors import certificates_for_users, valid_certificate_exists
from training.certificates.services import certificate_expiry_reminders_send, certificate_revoke
from training.models import Certificate, Enrolment, SessionBooking, Step, StepProgress
from training.programmes.services import enrolment_create, exercise_submit, step_complete_for_exam, step_mark_done
from training.sessions.services import (
    attendance_mark,
    session_book,
)

pytestmark = pytest.mark.django_db

Status = SessionBooking.Status


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
    assert Notification.objects.filter(recipient=learner, kind=certificate_notify.ISSUED).exists()
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
    assert Notification.objects.filter(recipient=learner, kind=certificate_notify.EXPIRING).count() == 1
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
