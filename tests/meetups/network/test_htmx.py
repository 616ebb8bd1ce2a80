"""The "more" request of the network directory (HTMX with a cursor) renders only the next page's
cards (it named a template that did not exist before the layout change)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.core.viewer import Viewer
from meetups.network.selectors import NetworkFilters, manager_list_for_network
from tests.meetups.tandem_helpers import add_manager, make_community, owner_of

pytestmark = pytest.mark.django_db


def test_network_directory_next_page_over_htmx(client):
    energy = make_community("Energy")
    for i in range(3):
        add_manager(energy, display_name=f"Zed {i:02d}")
    viewer = owner_of(energy)
    page, _cards = manager_list_for_network(viewer=Viewer(viewer), filters=NetworkFilters(), page_size=2)
    assert page.next_cursor
    client.force_login(viewer)
    response = client.get(reverse("meetups:network_directory"), {"cursor": page.next_cursor}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "meetups/network/network_page_items.html"
    assert "<html" not in response.content.decode()
