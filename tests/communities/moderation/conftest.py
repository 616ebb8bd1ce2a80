"""Fixtures for the moderation tests: a community in a category with people in every role, a
second community, coordinators scoped inside and outside, and content built through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from communities.core import services
from communities.models import Category, Community, CoordinatorScope, Membership, Post
from intranet.accounts.models import User
from tests.communities.factories import CategoryFactory, MembershipFactory, add_person, write_post  # noqa: F401  (the tests import them from here)
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State


def scoped_coordinator(*, categories: list[Category] = (), communities: list[Community] = ()) -> User:  # type: ignore[assignment]
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    scope = CoordinatorScope.objects.create(user=user)
    scope.categories.set(categories)
    scope.communities.set(communities)
    return user  # type: ignore[no-any-return]


@pytest.fixture
def category(db) -> Category:
    return CategoryFactory.create()


@pytest.fixture
def owner(db) -> User:
    return UserFactory.create()  # type: ignore[no-any-return]


@pytest.fixture
def community(owner, category) -> Community:
    return services.community_create(actor=owner, name="Solar Garden", category=category)


@pytest.fixture
def other(db) -> Community:
    return services.community_create(actor=UserFactory.create(), name="Elsewhere")


@pytest.fixture
def member(community) -> User:
    return add_person(community)


@pytest.fixture
def moderator(community) -> User:
    return add_person(community, Role.MODERATOR)


@pytest.fixture
def manager(community) -> User:
    return add_person(community, Role.MANAGER)


@pytest.fixture
def post(member, community) -> Post:
    return write_post(member, community)
