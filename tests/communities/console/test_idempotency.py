"""A coordinator's note on a manager sent twice is written once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import CoordinatorNote, Membership
from tests.communities.console.conftest import community_with
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db


def test_coordinator_note_sent_twice_is_written_once(staff) -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Membership.Role.OWNER).user
    client = Client()
    client.force_login(staff)
    url = reverse("communities:console_manager", args=[owner.pk])
    data = with_key(text="Call about the relaunch", next_action="Call")
    answers = [client.post(url, data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert CoordinatorNote.objects.count() == 1
