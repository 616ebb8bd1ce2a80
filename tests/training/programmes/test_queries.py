"""Pinned query counts of a step's page, and proof that it does not grow with the number of rows."""

from __future__ import annotations

import pytest

from tests.support.queries import assert_constant_queries
from tests.training.conftest import viewer_of
from tests.training.factories import StepFactory
from tests.training.query_helpers import fetch
from training.models import Step
from training.programmes.services import enrolment_create, exercise_submit

pytestmark = pytest.mark.django_db


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


#: Queries per page (the signed-in user and session come from the cache after the first request).
EXPECTED: dict[str, int] = {
    "step_detail": 5,
}
