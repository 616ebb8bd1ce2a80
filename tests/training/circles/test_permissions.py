"""Permission matrix of peer-learning circles, parity of predicates and queryset twins."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.training.qualification_helpers import (
    QUALIFICATION_ROLES,
    make_plan,
    person_in_role,
)
from training.circles.permissions import can_manage_circle_members, can_view_circle, visible_circles
from training.circles.services import circle_create, circle_member_add
from training.models import Circle

pytestmark = pytest.mark.django_db

EXPECTED_CIRCLES = {
    # role: (view forming open circle, view running circle, assign members)
    "anonymous": (False, False, False),
    "learner": (True, True, False),  # "learner" is a member here
    "other_user": (True, False, False),
    "trainer": (True, False, False),
    "scoped_coordinator": (True, True, True),
    "coordinator": (True, True, True),
}


@pytest.mark.parametrize("role", QUALIFICATION_ROLES)
def test_circle_matrix(role):
    learner = UserFactory.create()
    forming = circle_create(actor=learner, name="Forming", plan=make_plan())
    running = circle_create(actor=learner, name="Running", plan=forming.plan)
    Circle.objects.filter(pk=running.pk).update(state=Circle.State.RUNNING)
    running.refresh_from_db()
    viewer = person_in_role(role, learner)
    got = (
        can_view_circle(viewer, forming),
        can_view_circle(viewer, running),
        can_manage_circle_members(viewer, forming),
    )
    assert got == EXPECTED_CIRCLES[role]
    visible = set(visible_circles(viewer).values_list("pk", flat=True))
    assert (forming.pk in visible, running.pk in visible) == got[:2]
    if not got[2]:
        members = forming.member_count
        with pytest.raises(PermissionDenied):
            circle_member_add(actor=viewer, circle=forming, user=UserFactory.create())
        forming.refresh_from_db()
        assert forming.member_count == members
        assert AuditEntry.objects.count() == 0
