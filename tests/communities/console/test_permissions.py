"""Console predicates: a matrix of viewers, and parity of the predicate with its queryset twin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from communities.console.permissions import can_coordinate_community, visible_console_communities
from communities.core.permissions import can_view_console
from communities.lifecycle.permissions import can_hand_over_community, can_merge_communities, can_view_coordinator_notes
from communities.models import Community, Membership
from intranet.core.viewer import Viewer
from tests.communities.console.conftest import add_member, community_with, coordinator
from tests.communities.factories import CategoryFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role

KINDS = ["anonymous", "employee", "member", "manager", "owner", "staff", "coordinator", "scoped_in", "scoped_out"]
#: kind -> (console, coordinate, hand over, merge, notes)
EXPECTED = {
    "anonymous": (False, False, False, False, False),
    "employee": (False, False, False, False, False),
    "member": (False, False, False, False, False),
    "manager": (False, False, False, False, False),
    "owner": (False, False, True, False, False),
    "staff": (True, True, True, True, True),
    "coordinator": (True, True, True, True, True),
    "scoped_in": (True, True, True, False, True),
    "scoped_out": (True, False, False, False, True),
}


def viewer_of(kind: str, community: Community) -> Viewer:
    if kind == "anonymous":
        return Viewer(AnonymousUser())
    if kind == "staff":
        return Viewer(UserFactory.create(is_staff=True))
    if kind == "coordinator":
        return Viewer(coordinator())
    if kind == "scoped_in":
        return Viewer(coordinator(categories=[community.category] if community.category else []))
    if kind == "scoped_out":
        return Viewer(coordinator(categories=[CategoryFactory.create()]))
    if kind == "owner":
        return Viewer(Membership.objects.get(community=community, role=Role.OWNER).user)
    if kind in ("member", "manager"):
        return Viewer(add_member(community, Role.MANAGER if kind == "manager" else Role.MEMBER))
    return Viewer(UserFactory.create())


@pytest.mark.parametrize("kind", KINDS)
def test_console_permission_matrix(kind: str) -> None:
    community = community_with(category=CategoryFactory.create())
    other = community_with(state=None)
    viewer = viewer_of(kind, community)
    got = (
        can_view_console(viewer),
        can_coordinate_community(viewer, community),
        can_hand_over_community(viewer, community),
        can_merge_communities(viewer, community, other),
        can_view_coordinator_notes(viewer),
    )
    assert got == EXPECTED[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_can_coordinate_and_visible_console_communities_agree(kind: str) -> None:
    community = community_with(category=CategoryFactory.create())
    others = [community_with(state=None), community_with(category=CategoryFactory.create())]
    viewer = viewer_of(kind, community)
    visible = set(visible_console_communities(viewer).values_list("pk", flat=True))
    for c in [community, *others]:
        assert can_coordinate_community(viewer, c) == (c.pk in visible)
