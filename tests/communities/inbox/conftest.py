"""Fixtures for the inbox tests: two communities with their teams, a member, helpers to open items."""

from __future__ import annotations

from typing import Any

import pytest

from communities.core import services
from communities.inbox.hooks import open_item
from communities.models import Community, InboxItem, Membership, Post
from intranet.accounts.models import User
from tests.communities.factories import MembershipFactory, add_person, write_post  # noqa: F401  (the tests import them from here)
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State
Kind = InboxItem.Kind


def open_for_post(post: Post, kind: str = Kind.FLAGGED_POST, **extra: Any) -> InboxItem:
    item = open_item(community=post.community, kind=kind, key=f"post:{post.pk}", post=post, summary=post.title, **extra)
    assert item is not None
    return item


@pytest.fixture
def owner(db) -> User:
    return UserFactory.create(display_name="Olga Owner")


@pytest.fixture
def community(owner) -> Community:
    return services.community_create(actor=owner, name="Solar Garden")


@pytest.fixture
def manager(community) -> User:
    return add_person(community, Role.MANAGER, display_name="Mara Manager")


@pytest.fixture
def moderator(community) -> User:
    return add_person(community, Role.MODERATOR, display_name="Moritz Moderator")


@pytest.fixture
def member(community) -> User:
    return add_person(community, display_name="Mia Member")


@pytest.fixture
def other_community(db) -> Community:
    return services.community_create(actor=UserFactory.create(), name="Wind Park")


@pytest.fixture
def other_moderator(other_community) -> User:
    return add_person(other_community, Role.MODERATOR)


@pytest.fixture
def post(member, community) -> Post:
    return write_post(member, community, title="Where is the key?")
