"""Shared builders for the community screen tests: business state through the real services."""

from __future__ import annotations

from typing import Any

from communities.core.services import community_create, membership_change_role, membership_join
from communities.models import Community, Membership
from intranet.accounts.models import User
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State


def make_user(**extra: Any) -> User:
    return UserFactory.create(**extra)  # type: ignore[no-any-return]


def make_community(owner: User | None = None, **fields: Any) -> Community:
    """A community created by ``owner`` (a new person if ``None``) through the service."""
    return community_create(actor=owner or make_user(), **{"name": "Community", **fields})


def add_member(community: Community, user: User | None = None, role: str = Role.MEMBER) -> User:
    """An active member with ``role``; rows are written directly where the join policy forbids joining."""
    user = user or make_user()
    if community.join_policy == Community.JoinPolicy.OPEN and not community.is_archived:
        membership = membership_join(actor=user, community=community)
        if role != Role.MEMBER:
            owner = Membership.objects.filter(community=community, role=Role.OWNER).select_related("user").first()
            assert owner is not None
            membership.community = community
            membership_change_role(actor=owner.user, membership=membership, role=role)
    else:
        Membership.objects.create(user=user, community=community, role=role, state=State.ACTIVE)
        Community.objects.filter(pk=community.pk).update(member_count=community.member_count + 1)
        community.refresh_from_db()
    return user
