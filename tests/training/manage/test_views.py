"""The coordinator area: a programme's progress and cohorts, the enrolment export, and the reports
(certified people, expiring certificates, stuck learners)."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.training.conftest import complete_everything
from training.models import Certificate, Enrolment

pytestmark = pytest.mark.django_db


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


def test_csv_neutralises_formulas(client, programme, coordinator):
    person = UserFactory.create(display_name="=HYPERLINK(1)")
    Enrolment.objects.create(user=person, programme=programme)
    client.force_login(coordinator)
    csv = b"".join(client.get(reverse("training:enrolments_csv", args=[programme.pk])).streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK(1)" in csv


def test_certified_csv_neutralises_formulas(client, programme, steps, session, coordinator, learner):
    """Every training export goes through the kernel's cell encoder (issue 17, item 16)."""
    learner.display_name = "+cmd|'/C calc'!A0"
    learner.save(update_fields=["display_name"])
    complete_everything(learner, programme, steps, session, coordinator)
    client.force_login(coordinator)
    text = b"".join(client.get(reverse("training:certified_csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(text)))
    assert rows[1][0] == "'+cmd|'/C calc'!A0"


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
