"""Users: create, read, filter, page, replace, PATCH, delete, and malformed input (never a 500)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from integrations.scim.models import ScimUser
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from tests.factories import UserFactory

from .helpers import Scim, is_scim_error, user_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def scim(scim_token) -> Scim:
    return Scim(scim_token[1])


def test_create_maps_onto_the_account_and_profile(scim):
    response = scim.post("/Users", user_payload("jana.novak@example.com", externalId="e-1"))
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["meta"]["location"]
    assert response["ETag"] == body["meta"]["version"]
    user = User.objects.select_related("profile").get(email="jana.novak@example.com")
    assert user.display_name == "Jana Novak"
    assert user.profile.job_title == "Engineer"
    assert user.profile.department == "Powertrain"
    assert not user.has_usable_password()
    assert ScimUser.objects.get(user=user).external_id == "e-1"
    assert AuditEntry.objects.filter(action="scim.user.created", target_id=str(user.pk)).count() == 1


def test_user_name_that_is_no_address_signs_in_with_the_primary_email(scim):
    payload = user_payload("E12345", emails=[{"value": "Ana@Example.com", "primary": True}])
    assert scim.post("/Users", payload).status_code == 201
    assert User.objects.filter(email="ana@example.com").exists()


def test_existing_account_is_adopted_but_never_a_superuser(scim):
    colleague = UserFactory.create(email="old.hand@example.com")
    assert scim.post("/Users", user_payload("old.hand@example.com")).status_code == 201
    assert ScimUser.objects.get().user_id == colleague.pk
    UserFactory.create(email="root@example.com", is_superuser=True, is_staff=True)
    assert is_scim_error(scim.post("/Users", user_payload("root@example.com")), 409)


def test_duplicate_user_name_is_a_uniqueness_conflict(scim):
    scim.post("/Users", user_payload("dup@example.com"))
    response = scim.post("/Users", user_payload("DUP@example.com"))
    assert is_scim_error(response, 409)
    assert response.json()["scimType"] == "uniqueness"


def test_filter_by_user_name_and_external_id(scim):
    scim.post("/Users", user_payload("a@example.com", externalId="A1"))
    scim.post("/Users", user_payload("b@example.com", externalId="B2"))
    found = scim.get('/Users?filter=userName eq "A@EXAMPLE.COM"').json()
    assert [r["userName"] for r in found["Resources"]] == ["a@example.com"]
    found = scim.get('/Users?filter=externalId eq "B2"').json()
    assert [r["userName"] for r in found["Resources"]] == ["b@example.com"]
    assert scim.get('/Users?filter=externalId eq "b2"').json()["totalResults"] == 0  # caseExact
    found = scim.get('/Users?filter=userName sw "a" or externalId eq "B2"&attributes=userName').json()
    assert found["totalResults"] == 2
    assert set(found["Resources"][0]) == {"schemas", "id", "userName"}


def test_pagination_by_start_index_and_count(scim):
    for n in range(5):
        scim.post("/Users", user_payload(f"p{n}@example.com"))
    page = scim.get("/Users?startIndex=2&count=2").json()
    assert page["totalResults"] == 5 and page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert [r["userName"] for r in page["Resources"]] == ["p1@example.com", "p2@example.com"]
    beyond = scim.get("/Users?startIndex=9").json()
    assert beyond["totalResults"] == 5 and beyond.get("Resources", []) == []
    assert scim.get("/Users?count=0").json()["itemsPerPage"] == 0
    assert scim.get("/Users?count=100000").status_code == 200  # lowered to the maximum


def test_search_endpoint_filters_too(scim):
    scim.post("/Users", user_payload("s@example.com"))
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": 'userName eq "s@example.com"'}
    assert scim.post("/Users/.search", body).json()["totalResults"] == 1


def test_replace_and_patch_update_the_profile(scim):
    created = scim.post("/Users", user_payload("m@example.com")).json()
    path = f"/Users/{created['id']}"
    replaced = user_payload("m@example.com", title="Lead engineer")
    assert scim.put(path, replaced).status_code == 200
    response = scim.patch(
        path,
        [
            {
                "op": "replace",
                "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                "value": "Chassis",
            },
            {"op": "replace", "path": "displayName", "value": "Jana Nováková"},
        ],
    )
    assert response.status_code == 200
    user = User.objects.select_related("profile").get(email="m@example.com")
    assert (user.profile.job_title, user.profile.department, user.display_name) == (
        "Lead engineer",
        "Chassis",
        "Jana Nováková",
    )


def test_email_moves_with_the_user_name(scim):
    created = scim.post("/Users", user_payload("before@example.com")).json()
    scim.put(f"/Users/{created['id']}", user_payload("after@example.com"))
    assert User.objects.filter(email="after@example.com").exists()
    assert not User.objects.filter(email="before@example.com").exists()
    moved = User.objects.get(email="after@example.com")
    assert list(EmailAddress.objects.filter(user=moved).values_list("email", "verified", "primary")) == [
        ("after@example.com", True, True)
    ]


def test_if_match_guards_against_lost_updates(scim):
    created = scim.post("/Users", user_payload("v@example.com")).json()
    path = f"/Users/{created['id']}"
    stale = created["meta"]["version"]
    assert scim.put(path, user_payload("v@example.com", title="One"), headers={"If-Match": stale}).status_code == 200
    assert is_scim_error(scim.put(path, user_payload("v@example.com", title="Two"), headers={"If-Match": stale}), 412)
    current = scim.get(path)
    assert scim.get(path, headers={"If-None-Match": current["ETag"]}).status_code == 304


def test_delete_runs_the_leaver_path_and_forgets_the_resource(scim):
    created = scim.post("/Users", user_payload("gone@example.com")).json()
    assert scim.delete(f"/Users/{created['id']}").status_code == 204
    assert is_scim_error(scim.get(f"/Users/{created['id']}"), 404)
    user = User.objects.get(email="gone@example.com")
    assert user.is_active is False
    assert AuditEntry.objects.filter(action="user.deactivated", target_id=str(user.pk)).count() == 1


MALFORMED = [
    ("POST", "/Users", b"{not json", "invalidSyntax"),
    ("POST", "/Users", b"[1, 2]", "invalidSyntax"),
    ("POST", "/Users", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}', None),
    ("POST", "/Users", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": 5}', None),
    ("POST", "/Users", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x"}', None),
    ("GET", '/Users?filter=userName eq "x', b"", "invalidFilter"),
    ("GET", "/Users?filter=userName xx 1", b"", "invalidFilter"),
    ("GET", '/Users?filter=nickName eq "x"', b"", "invalidFilter"),
    ("GET", "/Users?filter=active eq 3", b"", "invalidFilter"),
    ("GET", "/Users?filter=" + "a" * 2000, b"", "invalidFilter"),
    ("GET", "/Users?count=ten", b"", "invalidValue"),
    ("GET", "/Users?attributes=no..such", b"", None),
    ("POST", "/Users/.search", b'{"filter": 1}', None),
    ("POST", "/Groups", b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": ""}', None),
    (
        "POST",
        "/Groups",
        b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G",'
        b' "members": [{"value": "x"}]}',
        "invalidValue",
    ),
]


@pytest.mark.parametrize(("method", "path", "raw", "scim_type"), MALFORMED)
def test_malformed_input_answers_400_with_a_scim_error(scim, method, path, raw, scim_type):
    response = scim.call(method, path, raw=raw)
    assert is_scim_error(response, 400), response.content
    if scim_type:
        assert response.json()["scimType"] == scim_type


def test_values_the_database_cannot_store_are_refused(scim):
    assert is_scim_error(scim.post("/Users", user_payload("x" * 300 + "@example.com")), 400)
    assert is_scim_error(scim.post("/Users", user_payload("a@example.com", externalId="e" * 300)), 400)
    assert is_scim_error(scim.post("/Users", user_payload("a@example.com", title="T" * 300)), 400)
    nul = scim.call("POST", "/Users", raw=b'{"userName": "a\\u0000b@example.com"}')
    assert is_scim_error(nul, 400)
    response = scim.get('/Users?filter=userName eq "a%00b"')
    assert response.status_code == 400
    assert not ScimUser.objects.exists()


def test_unknown_ids_and_addresses_answer_404(scim):
    assert is_scim_error(scim.get("/Users/not-a-uuid"), 404)
    assert is_scim_error(scim.get("/Users/2f1f2b3c-0000-4000-8000-000000000000"), 404)
    assert is_scim_error(scim.get("/Groups/2f1f2b3c-0000-4000-8000-000000000000"), 404)
    assert is_scim_error(scim.get("/Teams"), 404)
    assert is_scim_error(scim.get("/Schemas/urn:nothing"), 404)


def test_wrong_method_and_oversized_body(scim):
    assert is_scim_error(scim.call("DELETE", "/Users"), 405)
    assert is_scim_error(scim.call("POST", "/Users", raw=b"{" + b" " * 300_000 + b"}"), 413)


def test_patch_with_a_bad_path_is_refused(scim):
    created = scim.post("/Users", user_payload("pp@example.com")).json()
    response = scim.patch(f"/Users/{created['id']}", [{"op": "replace", "path": "nickName[", "value": "x"}])
    assert is_scim_error(response, 400)
    response = scim.patch(f"/Users/{created['id']}", [{"op": "remove", "path": "userName"}])
    assert response.status_code == 400
