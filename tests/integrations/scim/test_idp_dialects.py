"""What Entra ID and Okta actually send: capitalised ops, booleans as strings, path-less PATCH."""

from __future__ import annotations

import pytest

from intranet.accounts.models import User

from .helpers import Scim, user_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def scim(scim_token) -> Scim:
    return Scim(scim_token[1])


def test_entra_deactivates_with_a_capitalised_op_and_a_string_boolean(scim):
    created = scim.post("/Users", user_payload("entra@example.com")).json()
    response = scim.patch(f"/Users/{created['id']}", [{"op": "Replace", "path": "active", "value": "False"}])
    assert response.status_code == 200, response.content
    assert User.objects.get(email="entra@example.com").is_active is False


def test_okta_replaces_without_a_path(scim):
    created = scim.post("/Users", user_payload("okta@example.com")).json()
    response = scim.patch(f"/Users/{created['id']}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 200, response.content
    assert User.objects.get(email="okta@example.com").is_active is False


def test_entra_matches_by_user_name_before_creating(scim):
    assert scim.get('/Users?filter=userName eq "new@example.com"').json()["totalResults"] == 0
    scim.post("/Users", user_payload("new@example.com"))
    assert scim.get('/Users?filter=userName eq "new@example.com"').json()["totalResults"] == 1


def test_entra_adds_members_with_a_capitalised_op(scim):
    member = scim.post("/Users", user_payload("m@example.com")).json()["id"]
    group = scim.post(
        "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Team"}
    ).json()["id"]
    response = scim.patch(f"/Groups/{group}", [{"op": "Add", "path": "members", "value": [{"value": member}]}])
    assert response.status_code == 200, response.content
    assert [m["value"] for m in scim.get(f"/Groups/{group}").json()["members"]] == [member]


def test_entra_changes_the_work_email_through_a_value_filter_path(scim):
    created = scim.post(
        "/Users", user_payload("E100", emails=[{"value": "a@example.com", "type": "work", "primary": True}])
    )
    assert created.status_code == 201
    response = scim.patch(
        f"/Users/{created.json()['id']}",
        [{"op": "replace", "path": 'emails[type eq "work"].value', "value": "b@example.com"}],
    )
    assert response.status_code == 200, response.content
    assert User.objects.filter(email="b@example.com").exists()
