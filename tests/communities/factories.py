from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from communities.models import Category, Community, Membership, Post
from intranet.accounts.models import User
from tests.factories import UserFactory


class CategoryFactory(DjangoModelFactory[Category]):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CommunityFactory(DjangoModelFactory[Community]):
    """A bare community row (no owner, counters zero): for permission tests. Business state is
    built through the services instead."""

    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    visibility = Community.Visibility.PUBLIC
    join_policy = Community.JoinPolicy.OPEN


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE


def add_person(
    community: Community, role: str = Membership.Role.MEMBER, state: str = Membership.State.ACTIVE, **user: Any
) -> User:
    """A new person with a membership row in ``community`` (any role and state)."""
    person = UserFactory.create(**user)
    MembershipFactory.create(user=person, community=community, role=role, state=state)
    return person


def write_post(author: User, community: Community, **fields: Any) -> Post:
    """A post written through the real service (mentions, counters, events and hooks included)."""
    from communities.posts import services as post_services

    fields.setdefault("title", "A title")
    fields.setdefault("body", "Some **text**.")
    return post_services.post_create(actor=author, community=community, **fields)
