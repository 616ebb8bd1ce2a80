"""Joiner, mover, leaver through SCIM, end to end on the real services."""

from __future__ import annotations

import pytest
from django.test import Client

from communities.core.services.community import community_create
from communities.models import HandoverRecord, Membership
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from tests.communities.console.conftest import add_member

from .helpers import Scim, user_payload

pytestmark = pytest.mark.django_db
Role = Membership.Role
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PASSWORD = "a long and unguessable passphrase 42"


def test_joiner_mover_leaver(scim_token):
    scim = Scim(scim_token[1])

    # Joiner: the identity provider creates the account; the person signs in and runs a community.
    created = scim.post("/Users", user_payload("jana.novak@example.com", externalId="00u1"))
    assert created.status_code == 201
    path = f"/Users/{created.json()['id']}"
    jana = User.objects.get(email="jana.novak@example.com")
    jana.set_password(PASSWORD)  # as if she had chosen one; single sign-on users have none
    jana.save(update_fields=["password"])
    browser = Client()
    assert browser.login(username="jana.novak@example.com", password=PASSWORD)
    assert browser.get("/").status_code == 200
    community = community_create(actor=jana, name="Powertrain engineers")
    manager = add_member(community, Role.MANAGER)

    # Mover: department and title change.
    moved = scim.patch(
        path,
        [
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Chassis"},
            {"op": "replace", "path": "title", "value": "Team lead"},
        ],
    )
    assert moved.status_code == 200
    assert moved.json()[ENTERPRISE]["department"] == "Chassis"
    jana.profile.refresh_from_db()
    assert (jana.profile.department, jana.profile.job_title) == ("Chassis", "Team lead")
    assert AuditEntry.objects.filter(action="scim.user.updated", target_id=str(jana.pk)).count() == 1

    # Leaver: active=false runs the leaver path.
    left = scim.patch(path, [{"op": "replace", "path": "active", "value": False}])
    assert left.status_code == 200 and left.json()["active"] is False
    jana.refresh_from_db()
    assert jana.is_active is False
    # Her open session no longer signs her in, and she cannot sign in again.
    assert browser.get("/").status_code == 302
    assert not Client().login(username="jana.novak@example.com", password=PASSWORD)
    # The community she owned is handed over.
    assert Membership.objects.get(community=community, user=manager).role == Role.OWNER
    assert Membership.objects.get(community=community, user=jana).role != Role.OWNER
    assert HandoverRecord.objects.filter(community=community).count() == 1
    deactivation = AuditEntry.objects.get(action="user.deactivated", target_id=str(jana.pk))
    assert deactivation.actor_id is None and deactivation.reason == "SCIM: Entra ID"

    # Sending the same state again changes nothing more.
    scim.patch(path, [{"op": "replace", "path": "active", "value": False}])
    assert AuditEntry.objects.filter(action="user.deactivated", target_id=str(jana.pk)).count() == 1

    # Rehired: active=true switches the account back on.
    back = scim.patch(path, [{"op": "replace", "path": "active", "value": True}])
    assert back.json()["active"] is True
    assert Client().login(username="jana.novak@example.com", password=PASSWORD)
