"""The level queue's "people with a level" look-up asks for a person by name (the person picker)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_level_queue_looks_people_up_by_name(client, coordinator):
    person = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    client.force_login(coordinator)
    url = reverse("training:level_application_queue")
    page = client.get(url).content.decode()
    assert "data-person-picker" in page and 'id="id_handle"' in page
    response = client.get(url, {"handle": "@juergen.gross"})
    assert response.status_code == 302
    assert response["Location"] == reverse("training:level_person", args=[person.handle])
    assert client.get(reverse("training:level_person", args=["nobody.here"])).status_code == 404
