"""A community's post retention is set on its settings page by owners and coordinators (audited);
managers keep editing the other settings without seeing it; bad input answers 400."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from communities.core.forms import CommunitySettingsForm
from communities.core.permissions import can_change_post_retention
from communities.core.services import community_create
from communities.core.services.community import community_set_post_retention
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory
from tests.meetups.factories import coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    owner = UserFactory.create()
    community = community_create(actor=owner, name="Retention Club")
    manager, member = UserFactory.create(), UserFactory.create()
    MembershipFactory.create(user=manager, community=community, role=Membership.Role.MANAGER)
    MembershipFactory.create(user=member, community=community, role=Membership.Role.MEMBER)
    return {"community": community, "owner": owner, "manager": manager, "member": member}


def _form_data(community: Community, **extra: Any) -> dict[str, Any]:
    data = {k: v for k, v in CommunitySettingsForm.initial_for(community).items() if v is not None}
    data.pop("is_official", None)
    data.update(extra)
    return data


def test_owners_and_coordinators_set_it_managers_and_members_do_not(world: dict[str, Any]) -> None:
    community = world["community"]
    assert can_change_post_retention(Viewer(world["owner"]), community)
    assert can_change_post_retention(Viewer(coordinator()), community)
    assert not can_change_post_retention(Viewer(world["manager"]), community)
    assert not can_change_post_retention(Viewer(world["member"]), community)
    with pytest.raises(PermissionDenied):
        community_set_post_retention(actor=world["manager"], community=community, days=30, action="delete")
    with pytest.raises(ValidationError):
        community_set_post_retention(actor=world["owner"], community=community, days=-1, action="delete")
    with pytest.raises(ValidationError):
        community_set_post_retention(actor=world["owner"], community=community, days=30, action="shred")


def test_owner_sets_it_on_the_settings_page_and_it_is_audited(client: Any, world: dict[str, Any]) -> None:
    community = world["community"]
    url = reverse("communities:community_settings", args=[community.slug])
    client.force_login(world["owner"])
    page = client.get(url)
    assert b'id="post-retention"' in page.content
    response = client.post(url, _form_data(community, post_retention_days="365", post_retention_action="delete"))
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.post_retention_days, community.post_retention_action) == (365, "delete")
    entry = AuditEntry.objects.get(action="community.post_retention_changed")
    assert entry.actor == world["owner"] and entry.after == {
        "post_retention_days": 365,
        "post_retention_action": "delete",
    }
    bad = client.post(url, _form_data(community, post_retention_days="-5", post_retention_action="delete"))
    assert bad.status_code == 200 and bad.context["form"].errors  # the form re-renders with its error
    community.refresh_from_db()
    assert community.post_retention_days == 365


def test_managers_save_other_settings_without_touching_retention(client: Any, world: dict[str, Any]) -> None:
    community = world["community"]
    Community.objects.filter(pk=community.pk).update(post_retention_days=90)
    community.refresh_from_db()
    url = reverse("communities:community_settings", args=[community.slug])
    client.force_login(world["manager"])
    assert b'id="post-retention"' not in client.get(url).content
    data = _form_data(community, description="New words", post_retention_days="1", post_retention_action="delete")
    assert client.post(url, data).status_code == 302
    community.refresh_from_db()
    assert community.description == "New words" and community.post_retention_days == 90
