"""Staff deactivate accounts in the Django admin through the service: the handover runs too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import HandoverRecord, Membership
from intranet.core.models import AuditEntry
from tests.communities.console.conftest import add_member, community_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_admin_action_deactivates_through_the_service_and_hands_over() -> None:
    admin_user = UserFactory.create(is_staff=True, is_superuser=True)
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    manager = add_member(community, Role.MANAGER)
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_changelist")
    response = client.post(url, {"action": "deactivate_accounts", "_selected_action": [owner.pk]})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.is_active is False
    assert Membership.objects.get(community=community, user=manager).role == Role.OWNER
    assert HandoverRecord.objects.get().by_id == admin_user.pk
    assert AuditEntry.objects.filter(action="user.deactivated", actor=admin_user).count() == 1
    client.post(url, {"action": "reactivate_accounts", "_selected_action": [owner.pk]})
    owner.refresh_from_db()
    assert owner.is_active is True
    assert AuditEntry.objects.filter(action="user.reactivated").count() == 1


def test_is_active_cannot_be_toggled_on_the_form() -> None:
    admin_user = UserFactory.create(is_staff=True, is_superuser=True)
    person = UserFactory.create()
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"email": person.email, "display_name": person.display_name, "language": person.language})
    person.refresh_from_db()
    assert person.is_active is True
