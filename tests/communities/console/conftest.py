"""Builders for the console tests: communities with owners, members, health rows and figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from communities.models import Category, Community, CommunityDayFigures, CommunityHealth, CoordinatorScope, Membership
from intranet.accounts.models import User
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory, write_post
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State


def community_with(
    *,
    owner: User | None = None,
    state: str | None = CommunityHealth.State.DORMANT,
    category: Category | None = None,
    members: int = 0,
    score: int = 10,
    **fields: Any,
) -> Community:
    """A community with an owner (new unless given), ``members`` plain members, a health row
    (``state=None`` for none) and exact member counter."""
    community = CommunityFactory.create(category=category, **fields)
    owner = owner or UserFactory.create()
    MembershipFactory.create(community=community, user=owner, role=Role.OWNER)
    for _ in range(members):
        MembershipFactory.create(community=community)
    Community.objects.filter(pk=community.pk).update(member_count=members + 1)
    community.refresh_from_db()
    if state is not None:
        CommunityHealth.objects.create(
            community=community,
            state=state,
            score=score,
            size_class="small",
            explanation=[{"code": "dormant", "params": {"days": 120}}],
            trend=[0] * 12,
        )
    return community


def add_member(community: Community, role: str = Role.MEMBER, **user: Any) -> User:
    person = UserFactory.create(**user)
    MembershipFactory.create(community=community, user=person, role=role)
    Community.objects.filter(pk=community.pk).update(member_count=community.member_count + 1)
    community.member_count += 1
    return person


def posts_by(person: User, community: Community, n: int) -> None:
    for i in range(n):
        write_post(person, community, title=f"Post {i}")


def figures(community: Community, *, days: int = 3, members: int = 5, posts: int = 1) -> None:
    today = timezone.localdate()
    CommunityDayFigures.objects.bulk_create(
        [
            CommunityDayFigures(
                community=community,
                day=today - dt.timedelta(days=d),
                members=members,
                active_30d=2,
                posts=posts,
                comments=1,
                reactions=1,
            )
            for d in range(days)
        ]
    )


def coordinator(*, categories: list[Category] | None = None, communities: list[Community] | None = None) -> User:
    """A holder of ``communities.coordinate``, scoped when categories or communities are given."""
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    if categories is not None or communities is not None:
        scope = CoordinatorScope.objects.create(user=user)
        scope.categories.set(categories or [])
        scope.communities.set(communities or [])
    return user


@pytest.fixture
def staff() -> User:
    return UserFactory.create(is_staff=True)


@pytest.fixture
def category() -> Category:
    return CategoryFactory.create()
