from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from communities.models import Category, Community, Membership
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
