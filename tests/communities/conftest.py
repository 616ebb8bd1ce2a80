"""Viewer kinds of the permission matrix and a "nothing changed" snapshot for denial tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State

#: Every kind of person the matrices check, by how they relate to the community under test.
VIEWER_KINDS = [
    "anonymous",
    "employee",
    "member",
    "moderator",
    "manager",
    "owner",
    "other_manager",
    "coordinator",
    "banned",
    "pending",
    "invited",
]

_ROW_FOR_KIND: dict[str, tuple[str, str]] = {
    "member": (Role.MEMBER, State.ACTIVE),
    "moderator": (Role.MODERATOR, State.ACTIVE),
    "manager": (Role.MANAGER, State.ACTIVE),
    "owner": (Role.OWNER, State.ACTIVE),
    "banned": (Role.MEMBER, State.BANNED),
    "pending": (Role.MEMBER, State.PENDING),
    "invited": (Role.MEMBER, State.INVITED),
}


def make_viewer(kind: str, community: Community) -> Viewer:
    """A fresh viewer (empty caches) of ``kind`` relative to ``community``."""
    if kind == "anonymous":
        return Viewer(AnonymousUser())
    user = UserFactory.create(is_staff=kind == "coordinator")
    if kind in _ROW_FOR_KIND:
        role, state = _ROW_FOR_KIND[kind]
        MembershipFactory.create(user=user, community=community, role=role, state=state)
    elif kind == "other_manager":
        MembershipFactory.create(user=user, community=CommunityFactory.create(), role=Role.MANAGER)
    return Viewer(user)


def snapshot() -> dict[str, Any]:
    """Everything a denied action must leave untouched."""
    return {
        "memberships": sorted(
            Membership.objects.values_list(
                "user_id", "community_id", "role", "state", "notification_level", "decision_message"
            )
        ),
        "communities": list(
            Community.objects.order_by("pk").values_list(
                "pk",
                "name",
                "description",
                "visibility",
                "join_policy",
                "lifecycle",
                "is_official",
                "member_count",
                "post_count",
            )
        ),
        "audit": AuditEntry.objects.count(),
    }


def assert_counters_exact() -> None:
    for community in Community.objects.all():
        active = Membership.objects.filter(community=community, state=State.ACTIVE).count()
        assert community.member_count == active, f"{community.slug}: stored {community.member_count}, real {active}"


@pytest.fixture(autouse=True, scope="session")
def _training_qualification_source() -> None:
    """Training fills communities' qualification registry from its ``AppConfig.ready()``. Until it
    does so on this branch, the suite registers the same two loaders, so handover and console see
    certificates and levels as they do in production (registering again replaces, so it is harmless)."""
    from communities.core import qualifications
    from training.selectors import certificates_for_users
    from training.selectors_levels import levels_for_users

    if "certificates" not in qualifications._sources:
        qualifications.register_qualification_source(certificates=certificates_for_users, levels=levels_for_users)
