"""Viewer kinds of the permission matrix and a "nothing changed" snapshot for denial tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Permission

from communities.models import Community, CoordinatorScope, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State

#: Every kind of person the matrices check, by how they relate to the community under test.
#: ``coordinator`` is staff (coordinates everything); ``scoped_in`` and ``scoped_out`` hold
#: ``communities.coordinate`` with a :class:`CoordinatorScope` that covers the community or not.
VIEWER_KINDS = [
    "anonymous",
    "employee",
    "member",
    "moderator",
    "manager",
    "owner",
    "other_manager",
    "coordinator",
    "scoped_in",
    "scoped_out",
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
    elif kind in ("scoped_in", "scoped_out"):
        # A holder of ``communities.coordinate`` narrowed by a scope: inside it, through the
        # community's category (or the community itself when it has none); outside it, through
        # another category and another community.
        user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
        scope = CoordinatorScope.objects.create(user=user)
        if kind == "scoped_out":
            scope.categories.set([CategoryFactory.create()])
            scope.communities.set([CommunityFactory.create()])
        elif community.category_id is not None:
            scope.categories.set([community.category_id])
        else:
            scope.communities.set([community])
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
