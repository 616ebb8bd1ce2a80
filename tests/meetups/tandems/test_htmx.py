"""The "more" request of the tandem list (HTMX with a cursor) renders only the next page's items
(it named a template that did not exist before the layout change)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intranet.core.viewer import Viewer
from meetups.tandems import services
from meetups.tandems.selectors import tandem_list_for_viewer
from tests.meetups.tandem_helpers import make_community, owner_of

pytestmark = pytest.mark.django_db


def test_tandem_list_next_page_over_htmx(client):
    home = make_community("Solar home")
    manager = owner_of(home)
    for i in range(3):
        services.tandem_propose(actor=manager, community=home, other=make_community(f"Solar friend {i}"))
    page = tandem_list_for_viewer(viewer=Viewer(manager), state="open", page_size=2)
    assert page.next_cursor
    client.force_login(manager)
    response = client.get(
        reverse("meetups:tandem_list"), {"state": "open", "cursor": page.next_cursor}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "meetups/tandems/tandem_page_items.html"
    assert "<html" not in response.content.decode()
