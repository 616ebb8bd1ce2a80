"""Pinned query counts of the session and calendar pages, and proof that they do not grow with the
number of rows shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.queries import assert_constant_queries
from tests.training.conftest import viewer_of
from tests.training.factories import SessionFactory
from tests.training.query_helpers import fetch, person
from training.sessions.services import calendar_token_for, session_book

pytestmark = pytest.mark.django_db


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


def test_manage_session(client, boss, session):
    session.capacity = 3
    session.save()
    client.force_login(boss)
    assert_constant_queries(
        add_rows=lambda n: [session_book(actor=viewer_of(person()), session=session) for _ in range(n)],
        action=fetch(client, reverse("training:manage_session", args=[session.pk])),
        expected=EXPECTED["manage_session"],
    )


#: Queries per page (the signed-in user and session come from the cache after the first request).
EXPECTED: dict[str, int] = {
    "session_detail": 5,
    "session_detail_learner": 7,
    "calendar_feed": 2,
    "calendar_settings": 2,
    "session_ics": 4,
    "manage_session": 3,
}
