"""Who manages which subscriptions: the predicates over every viewer kind, and their queryset twin."""

from __future__ import annotations

import pytest

from communities.core import services as community_services
from integrations.webhooks.models import Subscription
from integrations.webhooks.permissions import (
    can_manage_community_webhooks,
    can_manage_platform_webhooks,
    can_manage_subscription,
    visible_subscriptions,
)
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MANAGE_COMMUNITY = {"owner", "coordinator", "scoped_in"}
COORDINATORS = {"coordinator", "scoped_in", "scoped_out"}


@pytest.fixture(params=["public", "private", "secret"])
def community(request):
    founder = UserFactory.create()
    return community_services.community_create(actor=founder, name=f"Hooks {request.param}", visibility=request.param)


def _subscription(community, creator=None) -> Subscription:
    return Subscription.objects.create(
        community=community, created_by=creator, url="https://93.184.215.14/hook", event_types=["post.created"]
    )


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_community_subscriptions_are_managed_by_owners_and_its_coordinators(community, kind):
    viewer = make_viewer(kind, community)
    subscription = _subscription(community)
    subscription = Subscription.objects.select_related("community").get(pk=subscription.pk)
    expected = kind in MANAGE_COMMUNITY
    assert can_manage_community_webhooks(viewer, community) is expected
    assert can_manage_subscription(viewer, subscription) is expected
    # The twin agrees, with a fresh viewer (no maps cached by the predicate).
    fresh = Viewer(viewer.user)
    assert visible_subscriptions(fresh).filter(pk=subscription.pk).exists() is expected


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_platform_subscriptions_are_their_creators_and_the_unscoped_coordinators(community, kind):
    viewer = make_viewer(kind, community)
    assert can_manage_platform_webhooks(viewer) is (kind in COORDINATORS)
    others = _subscription(None, creator=UserFactory.create(is_staff=True))
    expected_others = kind == "coordinator"
    assert can_manage_subscription(viewer, others) is expected_others
    assert visible_subscriptions(Viewer(viewer.user)).filter(pk=others.pk).exists() is expected_others
    if viewer.user_id is not None:
        own = _subscription(None, creator=viewer.user)
        expected_own = kind in COORDINATORS
        assert can_manage_subscription(viewer, own) is expected_own
        assert visible_subscriptions(Viewer(viewer.user)).filter(pk=own.pk).exists() is expected_own
