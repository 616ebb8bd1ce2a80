"""Pinned query counts of the certificate pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.support.queries import assert_constant_queries
from tests.training.conftest import complete_everything
from tests.training.factories import SessionFactory, StepFactory
from tests.training.query_helpers import fetch
from training.models import Certificate, Enrolment, SessionBooking, Step, StepProgress

pytestmark = pytest.mark.django_db


def test_certificate_pages(client, me, programme):
    cert = Certificate.objects.create(user=me, programme=programme)
    client.force_login(me)
    for name, url in (
        ("certificate_verify", reverse("training:certificate_verify", args=[cert.code])),
        ("certificate_print", reverse("training:certificate_print", args=[cert.code])),
    ):
        assert_constant_queries(add_rows=lambda n: None, action=fetch(client, url), expected=EXPECTED[name])


#: Queries per page (the signed-in user and session come from the cache after the first request).
EXPECTED: dict[str, int] = {
    "certificate_verify": 3,
    "certificate_print": 3,
}


def test_printed_certificate_costs_the_same_however_many_steps_were_done(
    client, programme, steps, session, coordinator, learner
):
    """The list of completed steps: one query for the steps, one for the attended sessions."""
    complete_everything(learner, programme, steps, session, coordinator)
    cert = Certificate.objects.get(user=learner)
    Certificate.objects.filter(pk=cert.pk).update(issued_at=session.starts_at + dt.timedelta(days=1))
    client.force_login(learner)
    enrolment = Enrolment.objects.get(user=learner, programme=programme)

    def add_rows(n: int) -> None:
        for _ in range(n):
            step = StepFactory.create(programme=programme, kind=Step.Kind.SESSION, required=False)
            other = SessionFactory.create(programme=programme, step=step, starts_at=session.starts_at)
            StepProgress.objects.create(enrolment=enrolment, step=step, completed_at=session.starts_at)
            SessionBooking.objects.create(session=other, user=learner, attendance=SessionBooking.Attendance.PRESENT)

    url = reverse("training:certificate_print", args=[cert.code])
    assert_constant_queries(add_rows=add_rows, action=fetch(client, url), expected=4)
