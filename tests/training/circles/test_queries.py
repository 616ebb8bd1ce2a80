"""Pinned query counts of the circle pages, and proof they do not grow with rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries
from tests.training.qualification_helpers import make_plan
from training.circles.services import circle_create, circle_join, circle_start
from training.models import CheckIn, Circle, CircleMember

pytestmark = pytest.mark.django_db


def test_circle_pages_queries(client, learner):
    plan = make_plan(weeks=4)
    circles: list[Circle] = []

    def add_rows(n):
        for _ in range(n):
            circle = circle_create(actor=UserFactory.create(), name=f"C{len(circles)}", plan=plan)
            circles.append(circle)
            if len(circles) == 1:
                circle_join(actor=learner, circle=circle)
                for _i in range(2):
                    circle_join(actor=UserFactory.create(), circle=circle)
                circle_start(actor=learner, circle=circle)

    client.force_login(learner)

    def circle_list():
        assert client.get(reverse("training:circle_list")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=circle_list, expected=EXPECTED["circle_list"])

    def detail():
        assert client.get(reverse("training:circle_detail", args=[circles[0].pk])).status_code == 200

    def add_checkins(n):
        # More check-ins (and their authors' names) on the first circle.
        members = list(CircleMember.objects.filter(circle=circles[0]).values_list("user_id", flat=True))
        for user_id in members[:n]:
            CheckIn.objects.update_or_create(circle=circles[0], user_id=user_id, week=1, defaults={"text": "Hello"})

    assert_constant_queries(add_rows=add_checkins, action=detail, small=1, large=4, expected=EXPECTED["circle_detail"])


#: Pinned counts (the session and user lookups of every signed-in request are included).
EXPECTED = {
    "circle_list": 5,
    "circle_detail": 8,
}
