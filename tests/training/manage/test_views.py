"""The coordinator reports: certified people, expiring certificates, stuck learners."""

from __future__ import annotations

import datetime as dt

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
