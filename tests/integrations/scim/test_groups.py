"""Groups are organisational units: a name and provisioned people as members."""

from __future__ import annotations

import pytest

from integrations.scim.models import ScimGroup
from intranet.core.models import AuditEntry

from .helpers import Scim, is_scim_error, user_payload

pytestmark = pytest.mark.django_db
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def scim(scim_token) -> Scim:
    return Scim(scim_token[1])


def test_group_lifecycle_with_members(scim):
    anna = scim.post("/Users", user_payload("anna@example.com")).json()["id"]
    bert = scim.post("/Users", user_payload("bert@example.com")).json()["id"]
    created = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Powertrain", "members": [{"value": anna}]})
    assert created.status_code == 201
    path = f"/Groups/{created.json()['id']}"
    assert [m["value"] for m in created.json()["members"]] == [anna]
    scim.patch(path, [{"op": "add", "path": "members", "value": [{"value": bert}]}])
    assert {m["value"] for m in scim.get(path).json()["members"]} == {anna, bert}
    scim.patch(path, [{"op": "remove", "path": f'members[value eq "{anna}"]'}])
    assert [m["value"] for m in scim.get(path).json()["members"]] == [bert]
    found = scim.get(f'/Groups?filter=members eq "{bert}"&excludedAttributes=members').json()
    assert found["totalResults"] == 1 and "members" not in found["Resources"][0]
    assert scim.get('/Groups?filter=displayName eq "powertrain"').json()["totalResults"] == 1
    assert scim.delete(path).status_code == 204
    assert is_scim_error(scim.get(path), 404)
    assert not ScimGroup.objects.exists()
    actions = set(AuditEntry.objects.filter(action__startswith="scim.group.").values_list("action", flat=True))
    assert actions == {"scim.group.created", "scim.group.updated", "scim.group.deleted"}


def test_deleting_a_user_removes_them_from_groups(scim):
    anna = scim.post("/Users", user_payload("anna@example.com")).json()["id"]
    group = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Unit", "members": [{"value": anna}]}).json()
    scim.delete(f"/Users/{anna}")
    assert "members" not in scim.get(f"/Groups/{group['id']}").json()


def test_duplicate_group_name_conflicts(scim):
    scim.post("/Groups", {"schemas": [GROUP], "displayName": "Unit"})
    assert is_scim_error(scim.post("/Groups", {"schemas": [GROUP], "displayName": "UNIT"}), 409)
