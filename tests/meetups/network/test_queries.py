"""Pinned, size-independent query counts of the network directory."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Membership
from intranet.accounts.models import Profile
from intranet.core.viewer import Viewer
from meetups.network.selectors import NetworkFilters, manager_list_for_network
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import make_community
from tests.support.queries import assert_constant_queries
from training.models import Certificate, Level, Programme, UserLevel

pytestmark = pytest.mark.django_db

#: The signed-in user, the viewer's role map and model permissions, then the six batches of the
#: selector (people, skills, communities run, certificates, levels, meetups) and the categories.
DIRECTORY_PAGE_QUERIES = 9
SELECTOR_QUERIES = 5


@pytest.fixture
def seeded():
    viewer = UserFactory.create()
    own = make_community("Viewer's own", owner=viewer)
    level = Level.objects.create(name_en="Expert", rank=3)
    programme = Programme.objects.create(title="Basics")

    def add(n: int) -> None:
        for _ in range(n):
            manager = UserFactory.create()
            make_community("Run one", owner=manager, tags=("x",))
            second = make_community("Run two")
            MembershipFactory.create(user=manager, community=second, role=Membership.Role.MANAGER)
            Profile.objects.filter(user=manager).update(languages=["German", "English"])
            manager.profile.skills.add("Facilitation", "Moderation")
            UserLevel.objects.create(user=manager, level=level)
            Certificate.objects.create(user=manager, programme=programme)

    return viewer, own, add


def test_directory_page_query_count_is_pinned_and_constant(seeded, client):
    viewer, _own, add = seeded
    client.force_login(viewer)
    url = reverse("meetups:network_directory")

    def action() -> None:
        response = client.get(url)
        assert response.status_code == 200

    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=DIRECTORY_PAGE_QUERIES)


def test_directory_search_page_query_count_is_constant(seeded, client):
    viewer, _own, add = seeded
    client.force_login(viewer)
    url = reverse("meetups:network_directory")

    def action() -> None:
        assert client.get(url, {"q": "moderation", "language": "German"}).status_code == 200

    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=DIRECTORY_PAGE_QUERIES)


def test_selector_query_count(seeded):
    viewer, _own, add = seeded

    def action() -> None:
        manager_list_for_network(viewer=Viewer(viewer), filters=NetworkFilters())

    # A fresh viewer each time: the role map is part of the count.
    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=SELECTOR_QUERIES + 2)
