"""The permission matrix again, through the services: allowed actions take effect (with exactly one
audit row when privileged), denied ones raise and leave memberships, counters and the audit log
exactly as they were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.core import services as s
from communities.core.services import community_recount_members
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, assert_counters_exact, make_viewer, snapshot
from tests.communities.core.test_permissions import EXPECTED
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State


def _row(state: str = State.ACTIVE) -> Callable[[Community], Any]:
    return lambda c: MembershipFactory.create(community=c, role=Role.MEMBER, state=state)


def _nobody(community: Community) -> None:
    return None


# action -> (column of the predicate table, privileged (audited)?, set-up of the target, call)
SERVICES: dict[str, tuple[str, bool, Callable[[Community], Any], Callable[[Viewer, Community, Any], Any]]] = {
    "join": ("join", False, _nobody, lambda v, c, t: s.membership_join(actor=v, community=c)),
    "request": ("request", False, _nobody, lambda v, c, t: s.membership_request(actor=v, community=c, message="Hi")),
    "invite": (
        "manage",
        True,
        lambda c: UserFactory.create(),
        lambda v, c, t: s.membership_invite(actor=v, community=c, user=t),
    ),
    "approve": ("manage", True, _row(State.PENDING), lambda v, c, t: s.membership_approve(actor=v, membership=t)),
    "decline": ("manage", True, _row(State.PENDING), lambda v, c, t: s.membership_decline(actor=v, membership=t)),
    "change_role": (
        "manage",
        True,
        _row(),
        lambda v, c, t: s.membership_change_role(actor=v, membership=t, role=Role.MODERATOR),
    ),
    "remove": ("manage", True, _row(), lambda v, c, t: s.membership_remove(actor=v, membership=t)),
    "ban": ("manage", True, _row(), lambda v, c, t: s.membership_ban(actor=v, community=c, user=t.user)),
    "unban": ("manage", True, _row(State.BANNED), lambda v, c, t: s.membership_unban(actor=v, membership=t)),
    "settings": (
        "settings",
        True,
        _nobody,
        lambda v, c, t: s.community_update(actor=v, community=c, description="Changed"),
    ),
    "archive": ("archive", True, _nobody, lambda v, c, t: s.community_archive(actor=v, community=c)),
    "official": (
        "official",
        True,
        _nobody,
        lambda v, c, t: s.community_set_official(actor=v, community=c, is_official=True),
    ),
    "accept": ("accept", False, _nobody, lambda v, c, t: s.membership_accept_invitation(actor=v, community=c)),
}

#: People who already have a row get a clear "already ..." message instead of a bare refusal.
ALREADY_THERE = {"member", "moderator", "manager", "owner", "pending", "invited"}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("action", list(SERVICES))
@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_service_matrix(kind, action, visibility):
    column, privileged, setup, call = SERVICES[action]
    policy = Community.JoinPolicy.REQUEST if action == "request" else Community.JoinPolicy.OPEN
    community = Community.objects.create(
        name="Under test", slug="under-test", visibility=visibility, join_policy=policy
    )
    viewer = make_viewer(kind, community)
    MembershipFactory.create(community=community, role=Role.OWNER)  # never leave it ownerless
    target = setup(community)
    community_recount_members()
    community.refresh_from_db()
    before = snapshot()

    if EXPECTED[visibility][(kind, column)]:
        call(viewer, community, target)
        assert snapshot()["audit"] == before["audit"] + (1 if privileged else 0)
        if privileged:
            entry = AuditEntry.objects.latest("id")
            assert entry.actor_id == viewer.user_id and entry.scope == f"community:{community.pk}"
        assert snapshot() != before
    else:
        expected_error = (
            ValidationError if action in ("join", "request") and kind in ALREADY_THERE else PermissionDenied
        )
        with pytest.raises(expected_error):
            call(viewer, community, target)
        assert snapshot() == before
    assert_counters_exact()
