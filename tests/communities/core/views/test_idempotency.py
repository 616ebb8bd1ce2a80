"""The create-community form sent twice creates one community."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Community
from tests.communities.core.views.test_community_pages import form_data, make_user

pytestmark = pytest.mark.django_db


def test_create_community_sent_twice_creates_one(client):
    client.force_login(make_user())
    data = form_data()
    answers = [client.post(reverse("communities:community_create"), data) for _ in range(2)]
    community = Community.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {reverse("communities:community_detail", args=[community.slug])}


def test_create_community_without_key_saves_nothing(client):
    client.force_login(make_user())
    data = {k: v for k, v in form_data().items() if k != "idempotency_key"}
    response = client.post(reverse("communities:community_create"), data)
    assert "This form is out of date or was changed." in response.content.decode()
    assert not Community.objects.exists()
