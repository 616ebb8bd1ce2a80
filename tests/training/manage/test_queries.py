"""Pinned query counts of the coordinator area: overview, a programme's screen, exports and reports,
and proof that they do not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support.queries import assert_constant_queries
from tests.training.conftest import viewer_of
from tests.training.factories import ProgrammeFactory, SessionFactory, StepFactory
from tests.training.query_helpers import fetch, person
from training.models import Certificate, Enrolment
from training.programmes.services import enrolment_create, exercise_submit
from training.sessions.services import session_book

pytestmark = pytest.mark.django_db


def test_manage_index(client, boss):
    client.force_login(boss)

    def add(n: int) -> None:
        for _ in range(n):
            programme = ProgrammeFactory.create()
            StepFactory.create(programme=programme)
            Enrolment.objects.create(user=person(), programme=programme)
            SessionFactory.create(programme=programme)

    assert_constant_queries(
        add_rows=add, action=fetch(client, reverse("training:manage_index")), expected=EXPECTED["manage_index"]
    )


def test_exports(client, boss, programme, session):
    client.force_login(boss)

    def add(n: int) -> None:
        for _ in range(n):
            learner = person()
            session_book(actor=viewer_of(learner), session=session)
            Certificate.objects.create(user=learner, programme=programme)

    assert_constant_queries(
        add_rows=add,
        action=fetch(client, reverse("training:bookings_csv", args=[session.pk])),
        expected=EXPECTED["bookings_csv"],
    )
    for name in ("enrolments_csv", "certified_csv"):
        url = (
            reverse(f"training:{name}", args=[programme.pk])
            if name == "enrolments_csv"
            else reverse(f"training:{name}")
        )
        assert_constant_queries(add_rows=add, action=fetch(client, url), expected=EXPECTED[name])


def test_reports(client, boss, programme, steps):
    client.force_login(boss)
    soon = timezone.now() + dt.timedelta(days=20)
    old = timezone.now() - dt.timedelta(days=30)

    def add(n: int) -> None:
        for _ in range(n):
            learner = person()
            Certificate.objects.create(user=learner, programme=programme, expires_at=soon)
            Enrolment.objects.create(user=person(), programme=programme, last_progress_at=old)

    for name in ("certified", "expiring", "stuck"):
        assert_constant_queries(
            add_rows=add, action=fetch(client, reverse(f"training:{name}")), expected=EXPECTED[name]
        )


#: Queries per page (the signed-in user and session come from the cache after the first request).
EXPECTED: dict[str, int] = {
    "manage_index": 3,
    "manage_programme": 7,
    "bookings_csv": 3,
    "enrolments_csv": 4,
    "certified_csv": 2,
    "certified": 2,
    "expiring": 2,
    "stuck": 2,
}

_counter = itertools.count()


def test_manage_programme(client, boss, programme, steps):
    client.force_login(boss)

    def add(n: int) -> None:
        for _ in range(n):
            learner = person()
            enrolment_create(actor=viewer_of(learner), programme=programme)
            exercise_submit(actor=viewer_of(learner), step=steps["exercise"], answer="Answer")
            Enrolment.objects.filter(user=learner).update(cohort=f"C{next(_counter)}")
            SessionFactory.create(programme=programme)
            StepFactory.create(programme=programme)

    assert_constant_queries(
        add_rows=add,
        action=fetch(client, reverse("training:manage_programme", args=[programme.pk])),
        expected=EXPECTED["manage_programme"],
    )
