"""Builders for the network and tandem tests: communities with tags and texts, managers, suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from communities.core.services import community_create
from communities.models import Community, Membership
from intranet.accounts.models import User
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory


def make_community(
    name: str,
    *,
    tags: tuple[str, ...] = (),
    description: str = "",
    language: str = "de",
    members: int = 1,
    age_days: int = 400,
    owner: User | None = None,
    visibility: str = Community.Visibility.PUBLIC,
    **extra: Any,
) -> Community:
    """A community created through the real service (tags, search vector), then aged and sized."""
    owner = owner or UserFactory.create()
    community = community_create(
        actor=owner, name=name, description=description, tags=tags, language=language, visibility=visibility, **extra
    )
    now = timezone.now()
    Community.objects.filter(pk=community.pk).update(
        member_count=members, created_at=now - dt.timedelta(days=age_days), last_activity_at=now - dt.timedelta(days=1)
    )
    community.refresh_from_db()
    return community


def owner_of(community: Community) -> User:
    return Membership.objects.select_related("user").get(community=community, role=Membership.Role.OWNER).user


def add_manager(community: Community, **user: Any) -> User:
    person = UserFactory.create(**user)
    MembershipFactory.create(user=person, community=community, role=Membership.Role.MANAGER)
    return person
