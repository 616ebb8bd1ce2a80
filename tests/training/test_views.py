"""The screens of the training core, end to end through the test client: learner flow, forms with
validation errors, coordinator tools and CSV exports, certificate pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.training.conftest import viewer_of
from tests.training.test_services import complete_everything
from training.models import Certificate, Enrolment, Programme, Session, SessionBooking, Step, StepProgress
from training.services_certificates import certificate_revoke
from training.services_sessions import session_book

pytestmark = pytest.mark.django_db


def test_learner_flow_through_the_pages(client, programme, steps, session, learner):
    client.force_login(learner)
    index = client.get(reverse("training:index"))
    assert index.status_code == 200
    assert programme.title in index.content.decode()
    assert 'id="no-enrolments"' in index.content.decode()

    detail = client.get(programme.get_absolute_url())
    assert 'id="enrol-button"' in detail.content.decode()
    assert client.post(reverse("training:programme_enrol", args=[programme.pk])).status_code == 302
    assert Enrolment.objects.filter(user=learner, programme=programme).exists()

    reading = steps["reading"]
    page = client.get(reading.get_absolute_url())
    assert "Mark as done" in page.content.decode()
    response = client.post(reverse("training:step_done", args=[programme.pk, reading.pk]))
    assert response.status_code == 302 and response["Location"] == steps["exercise"].get_absolute_url()

    exercise_url = reverse("training:step_submit", args=[programme.pk, steps["exercise"].pk])
    empty = client.post(exercise_url, {"answer": "   "})
    assert empty.status_code == 400
    assert "is-invalid" in empty.content.decode()
    assert client.post(exercise_url, {"answer": "My welcome post"}).status_code == 302
    assert StepProgress.objects.get(step=steps["exercise"]).answer == "My welcome post"

    session_page = client.get(session.get_absolute_url())
    assert "Book a seat" in session_page.content.decode()
    client.post(reverse("training:session_book", args=[session.pk]))
    session_page = client.get(session.get_absolute_url())
    assert 'id="booking-status"' in session_page.content.decode()
    assert "Cancel my seat" in session_page.content.decode()
    index = client.get(reverse("training:index")).content.decode()
    assert f'data-session="{session.pk}"' in index and "Seat booked" in index

    client.post(reverse("training:booking_cancel", args=[session.pk]))
    assert SessionBooking.objects.get(user=learner).status == SessionBooking.Status.CANCELLED


def test_full_session_offers_the_waitlist(client, session, learner):
    for person in UserFactory.create_batch(2):
        session_book(actor=viewer_of(person), session=session)
    client.force_login(learner)
    assert "Join the waitlist" in client.get(session.get_absolute_url()).content.decode()
    client.post(reverse("training:session_book", args=[session.pk]))
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Waitlist position 1" in page and "Leave the waitlist" in page


def test_exam_step_page_explains_the_exam(client, programme, steps, learner):
    client.force_login(learner)
    client.post(reverse("training:programme_enrol", args=[programme.pk]))
    page = client.get(steps["exam"].get_absolute_url()).content.decode()
    assert 'id="exam-step-info"' in page


def test_coordinator_creates_programme_steps_and_session(client, coordinator):
    client.force_login(coordinator)
    bad = client.post(reverse("training:programme_create"), {"title": "", "level": "basic", "validity_months": 500})
    assert bad.status_code == 400
    assert 'id="form-errors"' in bad.content.decode()
    response = client.post(
        reverse("training:programme_create"),
        {"title": "Moderation", "description": "<script>x</script> **Bold**", "level": "advanced", "published": "on"},
    )
    programme = Programme.objects.get(title="Moderation")
    assert response["Location"] == reverse("training:manage_programme", args=[programme.pk])
    assert "<script>" not in programme.description_html and "<strong>Bold</strong>" in programme.description_html

    empty_reading = client.post(
        reverse("training:step_create", args=[programme.pk]), {"title": "Read", "kind": "reading", "body": ""}
    )
    assert empty_reading.status_code == 400
    client.post(
        reverse("training:step_create", args=[programme.pk]),
        {"title": "Read", "kind": "reading", "body": "Text", "required": "on"},
    )
    client.post(
        reverse("training:step_create", args=[programme.pk]), {"title": "Workshop", "kind": "session", "required": "on"}
    )
    assert list(programme.steps.values_list("title", "position")) == [("Read", 1), ("Workshop", 2)]
    session_step = programme.steps.get(kind=Step.Kind.SESSION)

    trainer = UserFactory.create(email="trainer@example.com")
    url = reverse("training:session_create", args=[programme.pk])
    bad = client.post(
        url,
        {
            "title": "S",
            "starts_at": "2020-01-01T10:00",
            "time_zone": "Europe/Berlin",
            "duration_minutes": 60,
            "capacity": 5,
            "trainers_text": "ghost@example.com",
        },
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert (
        "Please choose a time in the future." in body and "ghost@example.com" in body and "Please give a place" in body
    )
    ok = client.post(
        url,
        {
            "title": "Kick-off",
            "starts_at": "2031-01-15T10:00",
            "time_zone": "Europe/Berlin",
            "duration_minutes": 90,
            "place": "Room 7",
            "capacity": 12,
            "step": session_step.pk,
            "trainers_text": "trainer@example.com",
        },
    )
    assert ok.status_code == 302
    session = Session.objects.get(title="Kick-off")
    assert session.starts_at == dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC)
    assert list(session.trainers.all()) == [trainer]
    assert AuditEntry.objects.filter(action="training.session_create").count() == 1

    edit = client.get(reverse("training:session_edit", args=[session.pk])).content.decode()
    assert 'value="2031-01-15T10:00"' in edit and "trainer@example.com" in edit


def test_trainer_edits_own_session_but_not_trainers(client, session):
    trainer = UserFactory.create()
    session.trainers.add(trainer)
    client.force_login(trainer)
    page = client.get(reverse("training:session_edit", args=[session.pk])).content.decode()
    assert "trainers_text" not in page
    response = client.post(
        reverse("training:session_edit", args=[session.pk]),
        {
            "title": "Renamed",
            "starts_at": session.local_starts_at.strftime("%Y-%m-%dT%H:%M"),
            "time_zone": "Europe/Berlin",
            "duration_minutes": 60,
            "place": "Room 2",
            "capacity": 4,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Renamed" and list(session.trainers.all()) == [trainer]


def test_attendance_form_and_csv(client, session, coordinator):
    people = UserFactory.create_batch(3)
    bookings = [session_book(actor=viewer_of(p), session=session) for p in people]
    client.force_login(coordinator)
    page = client.get(reverse("training:manage_session", args=[session.pk])).content.decode()
    assert "Mark attendance" in page and 'data-position="1"' in page
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=1)):
        response = client.post(
            reverse("training:attendance_mark", args=[session.pk]),
            {f"attendance-{bookings[0].pk}": "present", f"attendance-{bookings[1].pk}": "absent"},
        )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="training.attendance_mark").count() == 2
    assert SessionBooking.objects.get(pk=bookings[0].pk).attendance == "present"

    csv = b"".join(client.get(reverse("training:bookings_csv", args=[session.pk])).streaming_content).decode(
        "utf-8-sig"
    )
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Name,E-mail,Status")
    assert len(lines) == 4 and "Present" in csv and "On the waitlist" in csv


def test_csv_neutralises_formulas(client, programme, coordinator):
    person = UserFactory.create(display_name="=HYPERLINK(1)")
    Enrolment.objects.create(user=person, programme=programme)
    client.force_login(coordinator)
    csv = b"".join(client.get(reverse("training:enrolments_csv", args=[programme.pk])).streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in csv


def test_reports_show_certified_expiring_and_stuck(client, programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    slow = UserFactory.create(display_name="Sam Slow")
    with time_machine.travel(timezone.now() - dt.timedelta(days=20)):
        Enrolment.objects.create(user=slow, programme=programme)
    client.force_login(coordinator)
    assert learner.display_name in client.get(reverse("training:certified")).content.decode()
    stuck = client.get(reverse("training:stuck")).content.decode()
    assert "Sam Slow" in stuck and "Read the guide" in stuck
    assert "Sam Slow" not in client.get(reverse("training:stuck") + "?days=30").content.decode()
    cert = Certificate.objects.get(user=learner)
    assert cert.expires_at is not None
    assert 'id="no-expiring"' in client.get(reverse("training:expiring")).content.decode()
    with time_machine.travel(cert.expires_at - dt.timedelta(days=40)):
        client.force_login(coordinator)
        assert cert.code in client.get(reverse("training:expiring")).content.decode()
    certified_csv = b"".join(client.get(reverse("training:certified_csv")).streaming_content).decode("utf-8-sig")
    assert cert.code in certified_csv


def test_programme_progress_and_cohorts(client, programme, steps, coordinator):
    a, b = UserFactory.create_batch(2)
    Enrolment.objects.create(user=a, programme=programme, cohort="2026-10", steps_done=2)
    Enrolment.objects.create(user=b, programme=programme, cohort="Spring group", steps_done=0)
    client.force_login(coordinator)
    page = client.get(reverse("training:manage_programme", args=[programme.pk])).content.decode()
    assert "Spring group" in page and "2026-10" in page
    filtered = client.get(
        reverse("training:manage_programme", args=[programme.pk]) + "?cohort=Spring+group"
    ).content.decode()
    assert b.display_name in filtered and a.display_name not in filtered
    enrolment = Enrolment.objects.get(user=a)
    client.post(reverse("training:enrolment_cohort", args=[programme.pk, enrolment.pk]), {"cohort": "Pilot"})
    enrolment.refresh_from_db()
    assert enrolment.cohort == "Pilot"


def test_exercise_review(client, programme, steps, learner, coordinator):
    from training.services_programmes import enrolment_create, exercise_submit

    enrolment_create(actor=viewer_of(learner), programme=programme)
    progress = exercise_submit(actor=viewer_of(learner), step=steps["exercise"], answer="An answer")
    client.force_login(coordinator)
    assert "Accept answer" in client.get(reverse("training:manage_programme", args=[programme.pk])).content.decode()
    client.post(reverse("training:exercise_accept", args=[progress.pk]))
    progress.refresh_from_db()
    assert progress.accepted_by_id == coordinator.pk
    assert AuditEntry.objects.filter(action="training.exercise_accept").count() == 1


def test_certificate_pages(client, programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    colleague = UserFactory.create()
    client.force_login(colleague)
    page = client.get(reverse("training:certificate_verify", args=[cert.code]))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body and learner.display_name in body
    assert programme.title in body and "Printable certificate" not in body
    # Lower-case and the lookup form lead to the same page.
    assert client.get(reverse("training:certificate_verify", args=[cert.code.lower()])).status_code == 200
    assert client.get(reverse("training:certificate_lookup") + f"?code={cert.code}")["Location"].endswith(
        f"/{cert.code}/"
    )
    assert client.get(reverse("training:certificate_verify", args=["AAAAAAAAAAAA"])).status_code == 404
    assert client.get(reverse("training:certificate_print", args=[cert.code])).status_code == 404

    client.force_login(learner)
    printable = client.get(reverse("training:certificate_print", args=[cert.code])).content.decode()
    assert 'id="certificate-sheet"' in printable and cert.code in printable and "data-print" in printable

    assert cert.expires_at is not None
    with time_machine.travel(cert.expires_at + dt.timedelta(days=1)):
        client.force_login(learner)
        assert (
            'data-status="expired"'
            in client.get(reverse("training:certificate_verify", args=[cert.code])).content.decode()
        )

    certificate_revoke(actor=viewer_of(coordinator), certificate=cert, reason="Copied answers")
    revoked = client.get(reverse("training:certificate_verify", args=[cert.code])).content.decode()
    assert 'data-status="revoked"' in revoked and "Copied answers" in revoked


def test_revoke_through_the_page(client, programme, steps, session, coordinator, learner):
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    client.force_login(coordinator)
    assert client.post(reverse("training:certificate_revoke", args=[cert.code]), {"reason": ""}).status_code == 400
    assert client.post(reverse("training:certificate_revoke", args=[cert.code]), {"reason": "Error"}).status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoked_by_id == coordinator.pk


def test_cancel_session_page(client, session, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("training:session_cancel", args=[session.pk]), {"reason": "Snow"}).status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Snow"
    assert "This session was cancelled." in client.get(session.get_absolute_url()).content.decode()
