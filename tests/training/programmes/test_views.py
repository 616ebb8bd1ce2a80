"""Programme screens: the learner's path through the pages, creating programmes and exercise
reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.training.conftest import viewer_of
from training.models import Enrolment, Programme, Session, SessionBooking, Step, StepProgress

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


def test_exam_step_page_explains_the_exam(client, programme, steps, learner):
    client.force_login(learner)
    client.post(reverse("training:programme_enrol", args=[programme.pk]))
    page = client.get(steps["exam"].get_absolute_url()).content.decode()
    assert 'id="exam-step-info"' in page


def test_coordinator_creates_programme_steps_and_session(client, coordinator):
    client.force_login(coordinator)
    bad = client.post(reverse("training:programme_create"), with_key(title="", level="basic", validity_months=500))
    assert bad.status_code == 400
    assert 'id="form-errors"' in bad.content.decode()
    response = client.post(
        reverse("training:programme_create"),
        with_key(title="Moderation", description="<script>x</script> **Bold**", level="advanced", published="on"),
    )
    programme = Programme.objects.get(title="Moderation")
    assert response["Location"] == reverse("training:manage_programme", args=[programme.pk])
    assert "<script>" not in programme.description_html and "<strong>Bold</strong>" in programme.description_html

    empty_reading = client.post(
        reverse("training:step_create", args=[programme.pk]), with_key(title="Read", kind="reading", body="")
    )
    assert empty_reading.status_code == 400
    client.post(
        reverse("training:step_create", args=[programme.pk]),
        with_key(title="Read", kind="reading", body="Text", required="on"),
    )
    client.post(
        reverse("training:step_create", args=[programme.pk]), with_key(title="Workshop", kind="session", required="on")
    )
    assert list(programme.steps.values_list("title", "position")) == [("Read", 1), ("Workshop", 2)]
    session_step = programme.steps.get(kind=Step.Kind.SESSION)

    trainer = UserFactory.create(email="trainer@example.com")
    url = reverse("training:session_create", args=[programme.pk])
    bad = client.post(
        url,
        with_key(
            {
                "title": "S",
                "starts_at": "2020-01-01T10:00",
                "time_zone": "Europe/Berlin",
                "duration_minutes": 60,
                "capacity": 5,
                "trainers_text": "ghost@example.com",
            }
        ),
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert (
        "Please choose a time in the future." in body and "ghost@example.com" in body and "Please give a place" in body
    )
    ok = client.post(
        url,
        with_key(
            {
                "title": "Kick-off",
                "starts_at": "2031-01-15T10:00",
                "time_zone": "Europe/Berlin",
                "duration_minutes": 90,
                "place": "Room 7",
                "capacity": 12,
                "step": session_step.pk,
                "trainers_text": "trainer@example.com",
            }
        ),
    )
    assert ok.status_code == 302
    session = Session.objects.get(title="Kick-off")
    assert session.starts_at == dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC)
    assert list(session.trainers.all()) == [trainer]
    assert AuditEntry.objects.filter(action="training.session_create").count() == 1

    edit = client.get(reverse("training:session_edit", args=[session.pk])).content.decode()
    # The edit form shows the local start as an ISO date and a 24-hour time, whatever the browser.
    assert 'value="2031-01-15 10:00"' in edit and f'value="{trainer.handle}"' in edit


def test_exercise_review(client, programme, steps, learner, coordinator):
    from training.programmes.services import enrolment_create, exercise_submit

    enrolment_create(actor=viewer_of(learner), programme=programme)
    progress = exercise_submit(actor=viewer_of(learner), step=steps["exercise"], answer="An answer")
    client.force_login(coordinator)
    assert "Accept answer" in client.get(reverse("training:manage_programme", args=[programme.pk])).content.decode()
    client.post(reverse("training:exercise_accept", args=[progress.pk]))
    progress.refresh_from_db()
    assert progress.accepted_by_id == coordinator.pk
    assert AuditEntry.objects.filter(action="training.exercise_accept").count() == 1
