"""Pinned query counts of the training page and a programme's page, and proof that they do not grow
with the number of rows shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.queries import assert_constant_queries
from tests.training.conftest import viewer_of
from tests.training.factories import ProgrammeFactory, SessionFactory, StepFactory
from tests.training.query_helpers import fetch
from training.models import Certificate
from training.programmes.services import enrolment_create, step_mark_done
from training.sessions.services import session_book

pytestmark = pytest.mark.django_db


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


#: Queries per page (the signed-in user and session come from the cache after the first request).
EXPECTED: dict[str, int] = {
    "catalogue": 7,
    "programme_detail": 10,
}
