"""Pinned query counts for every page of the training core, and proof that they do not grow with
the number of rows shown."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intranet.core.testing import assert_constant_queries
from tests.factories import UserFactory
from tests.training.conftest import viewer_of
from tests.training.factories import ProgrammeFactory, SessionFactory, StepFactory
from training.models import Certificate, Enrolment, Step
from training.services_programmes import enrolment_create, exercise_submit, step_mark_done
from training.services_sessions import calendar_token_for, session_book

pytestmark = pytest.mark.django_db

_counter = itertools.count()


def fetch(client: Client, url: str) -> Callable[[], Any]:
    def action() -> Any:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return action


def person() -> Any:
    return UserFactory.create()


@pytest.fixture
def me(db):
    return UserFactory.create()


@pytest.fixture
def boss(db):
    return UserFactory.create(is_staff=True)


def test_catalogue(client, me):
    client.force_login(me)

    def add(n: int) -> None:
        for _ in range(n):
            programme = ProgrammeFactory.create()
            StepFactory.create(programme=programme)
            enrolment_create(actor=viewer_of(me), programme=programme)
            session_book(actor=viewer_of(me), session=SessionFactory.create(programme=programme))
            Certificate.objects.create(user=me, programme=programme)

    assert_constant_queries(
        add_rows=add, action=fetch(client, reverse("training:index")), expected=EXPECTED["catalogue"]
    )


def test_programme_detail(client, me, programme):
    client.force_login(me)
    enrolment_create(actor=viewer_of(me), programme=programme)

    def add(n: int) -> None:
        for _ in range(n):
            step = StepFactory.create(programme=programme)
            step_mark_done(actor=viewer_of(me), step=step)
            session_book(actor=viewer_of(me), session=SessionFactory.create(programme=programme))

    assert_constant_queries(
        add_rows=add, action=fetch(client, programme.get_absolute_url()), expected=EXPECTED["programme_detail"]
    )


def test_step_detail(client, me, programme):
    client.force_login(me)
    enrolment_create(actor=viewer_of(me), programme=programme)
    exercise = StepFactory.create(programme=programme, kind=Step.Kind.EXERCISE, position=0)
    exercise_submit(actor=viewer_of(me), step=exercise, answer="x")
    assert_constant_queries(
        add_rows=lambda n: StepFactory.create_batch(n, programme=programme),
        action=fetch(client, exercise.get_absolute_url()),
        expected=EXPECTED["step_detail"],
    )


def test_session_detail_for_coordinator_with_roster(client, boss, session):
    session.capacity = 100
    session.save()
    session.trainers.add(person())
    client.force_login(boss)

    def add(n: int) -> None:
        for _ in range(n):
            session_book(actor=viewer_of(person()), session=session)
            session.trainers.add(person())

    assert_constant_queries(
        add_rows=add, action=fetch(client, session.get_absolute_url()), expected=EXPECTED["session_detail"]
    )


def test_session_detail_for_learner(client, me, session):
    client.force_login(me)
    session_book(actor=viewer_of(me), session=session)
    assert_constant_queries(
        add_rows=lambda n: [session.trainers.add(person()) for _ in range(n)],
        action=fetch(client, session.get_absolute_url()),
        expected=EXPECTED["session_detail_learner"],
    )


def test_calendar_feed(client, me, programme):
    token = calendar_token_for(actor=viewer_of(me)).token

    def add(n: int) -> None:
        for _ in range(n):
            session_book(actor=viewer_of(me), session=SessionFactory.create(programme=programme))

    assert_constant_queries(
        add_rows=add,
        action=fetch(client, reverse("training:calendar_feed", args=[token])),
        expected=EXPECTED["calendar_feed"],
    )


def test_calendar_settings_and_session_ics(client, me, session):
    client.force_login(me)
    calendar_token_for(actor=viewer_of(me))
    assert_constant_queries(
        add_rows=lambda n: None,
        action=fetch(client, reverse("training:calendar_settings")),
        expected=EXPECTED["calendar_settings"],
    )
    assert_constant_queries(
        add_rows=lambda n: None,
        action=fetch(client, reverse("training:session_ics", args=[session.pk])),
        expected=EXPECTED["session_ics"],
    )


def test_certificate_pages(client, me, programme):
    cert = Certificate.objects.create(user=me, programme=programme)
    client.force_login(me)
    for name, url in (
        ("certificate_verify", reverse("training:certificate_verify", args=[cert.code])),
        ("certificate_print", reverse("training:certificate_print", args=[cert.code])),
    ):
        assert_constant_queries(add_rows=lambda n: None, action=fetch(client, url), expected=EXPECTED[name])


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


def test_manage_session(client, boss, session):
    session.capacity = 3
    session.save()
    client.force_login(boss)
    assert_constant_queries(
        add_rows=lambda n: [session_book(actor=viewer_of(person()), session=session) for _ in range(n)],
        action=fetch(client, reverse("training:manage_session", args=[session.pk])),
        expected=EXPECTED["manage_session"],
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
    "catalogue": 7,
    "programme_detail": 10,
    "step_detail": 5,
    "session_detail": 5,
    "session_detail_learner": 7,
    "calendar_feed": 2,
    "calendar_settings": 2,
    "session_ics": 4,
    "certificate_verify": 3,
    "certificate_print": 2,
    "manage_index": 3,
    "manage_programme": 7,
    "manage_session": 3,
    "bookings_csv": 3,
    "enrolments_csv": 4,
    "certified_csv": 2,
    "certified": 2,
    "expiring": 2,
    "stuck": 2,
}
