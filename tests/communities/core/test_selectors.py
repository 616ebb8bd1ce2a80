from __future__ import annotations

import pytest
from django.http import Http404

from communities.core.selectors import community_get_for_viewer, membership_for_viewer
from communities.models import Community, Membership
from intranet.core.viewer import Viewer
from tests.communities.conftest import make_viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db


def _raised(viewer: Viewer, slug: str) -> Http404:
    with pytest.raises(Http404) as excinfo:
        community_get_for_viewer(viewer, slug)
    return excinfo.value


def test_secret_and_missing_communities_look_the_same():
    secret = CommunityFactory.create(slug="skunkworks", visibility=Community.Visibility.SECRET)
    outsider = make_viewer("employee", secret)
    hidden, missing = _raised(outsider, "skunkworks"), _raised(outsider, "no-such-community")
    assert type(hidden) is type(missing) and hidden.args == missing.args == ()
    assert community_get_for_viewer(make_viewer("invited", secret), "skunkworks") == secret
    assert community_get_for_viewer(make_viewer("coordinator", secret), "skunkworks") == secret


def test_signed_out_people_see_nothing():
    CommunityFactory.create(slug="open-house")
    _raised(make_viewer("anonymous", CommunityFactory.create()), "open-house")


def test_get_for_viewer_costs_two_queries_then_one():
    community = CommunityFactory.create(slug="counted", visibility=Community.Visibility.SECRET)
    viewer = make_viewer("member", community)
    # the viewer's permission and role maps (loaded first, so a hidden community costs what a
    # missing one does), then the visibility-filtered row with its category
    with pin_queries(2):
        assert community_get_for_viewer(viewer, "counted").category is None
    with pin_queries(1):  # the maps are cached on the viewer
        community_get_for_viewer(viewer, "counted")


def test_membership_for_viewer():
    community = CommunityFactory.create()
    member = make_viewer("pending", community)
    outsider = make_viewer("employee", community)
    membership = membership_for_viewer(member, community)
    assert membership is not None and membership.state == Membership.State.PENDING
    outsider.remember("communities.memberships", lambda: {})
    with pin_queries(0):  # no row in the map: no query
        assert membership_for_viewer(outsider, community) is None
    assert membership_for_viewer(make_viewer("anonymous", community), community) is None
    MembershipFactory.create(community=community)  # someone else's row is not the viewer's
    assert membership_for_viewer(outsider, community) is None
