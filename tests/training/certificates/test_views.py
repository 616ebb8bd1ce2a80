"""Certificate screens: verification, printing and revocation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.training.conftest import complete_everything, viewer_of
from training.certificates.services import certificate_revoke
from training.models import Certificate, Step
from training.programmes.services import enrolment_create, exercise_submit, step_complete_for_exam, step_mark_done
from training.sessions.services import attendance_mark, session_book

pytestmark = pytest.mark.django_db


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
    assert client.get(reverse("training:certificate_verify", args=[cert.code.lower()]))["Location"].endswith(
        f"/{cert.code}/"
    )
    assert client.get(reverse("training:certificate_lookup") + f"?code={cert.code}")["Location"].endswith(
        f"/{cert.code}/"
    )
    unknown = client.get(reverse("training:certificate_verify", args=["AAAAAAAAAAAA"]))
    assert unknown.status_code == 404 and 'id="certificate-lookup"' in unknown.content.decode()
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


def test_printed_certificate_names_what_was_completed(client, programme, steps, session, coordinator, learner):
    """Every step done: the sheet lists the reading, the exercise, the attended session and the exam."""
    viewer = viewer_of(learner)
    enrolment_create(actor=viewer, programme=programme)
    step_mark_done(actor=viewer, step=steps["reading"])
    exercise_submit(actor=viewer, step=steps["exercise"], answer="Hello and welcome!")
    booking = session_book(actor=viewer, session=session)
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=5)):
        attendance_mark(actor=viewer_of(coordinator), session=session, booking=booking, attendance="present")
    with time_machine.travel(session.starts_at + dt.timedelta(days=1)):
        step_complete_for_exam(user_id=learner.pk, exam_step_id=steps["exam"].pk)
    cert = Certificate.objects.get(user=learner)
    client.force_login(learner)
    body = client.get(reverse("training:certificate_print", args=[cert.code])).content.decode()
    assert "including its live sessions and exams" not in body
    assert "Read: Read the guide" in body
    assert "Exercise completed: Write a welcome" in body
    assert "Live session attended: Attend a workshop" in body
    assert "Exam passed: Pass the exam" in body


def test_printed_certificate_leaves_out_optional_steps_not_taken(client, programme, steps, learner):
    """Issue 18: the optional live session and exam were not attended, so the sheet does not claim
    them; in German as well."""
    Step.objects.filter(pk__in=[steps["session"].pk, steps["exam"].pk]).update(required=False)
    viewer = viewer_of(learner)
    enrolment_create(actor=viewer, programme=programme)
    step_mark_done(actor=viewer, step=steps["reading"])
    exercise_submit(actor=viewer, step=steps["exercise"], answer="Welcome!")
    cert = Certificate.objects.get(user=learner)
    # Done after the certificate was issued: not part of what it certifies.
    with time_machine.travel(cert.issued_at + dt.timedelta(days=2)):
        step_complete_for_exam(user_id=learner.pk, exam_step_id=steps["exam"].pk)
    client.force_login(learner)
    body = client.get(reverse("training:certificate_print", args=[cert.code])).content.decode()
    kinds = re.findall(r'<li data-kind="(\w+)">', body)
    assert kinds == ["reading", "exercise"]
    assert "Live session" not in body and "Exam passed" not in body and "live sessions and exams" not in body
    with translation.override("de"):  # the request activates German; this puts English back after it
        german = client.get(
            reverse("training:certificate_print", args=[cert.code]), HTTP_ACCEPT_LANGUAGE="de"
        ).content.decode()
    assert "Gelesen: Read the guide" in german and "Übung abgeschlossen: Write a welcome" in german
    assert "Live-Termin" not in german and "Prüfung bestanden" not in german
