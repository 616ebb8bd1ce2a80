"""Query counts of the SCIM reads and writes are pinned and do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .helpers import Scim, user_payload

pytestmark = pytest.mark.django_db
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def scim(scim_token) -> Scim:
    scim = Scim(scim_token[1])
    scim.get("/ServiceProviderConfig")  # records the token's last use, so later requests only read it
    return scim


def _count(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201, 204), response.content
    return len(captured.captured_queries)


def _users(scim, n: int, start: int = 0) -> list[str]:
    return [scim.post("/Users", user_payload(f"q{start + i}@example.com")).json()["id"] for i in range(n)]


def test_user_list_costs_the_same_for_1_and_6_users(scim, django_assert_num_queries):
    _users(scim, 1)
    with django_assert_num_queries(3):  # token, count, page (with the account joined)
        scim.get("/Users")
    _users(scim, 5, start=1)
    with django_assert_num_queries(3):
        scim.get("/Users")
    with django_assert_num_queries(3):
        scim.get('/Users?filter=userName eq "q3@example.com"')


def test_group_list_costs_the_same_for_1_and_6_groups_and_members(scim, django_assert_num_queries):
    members = _users(scim, 1)
    scim.post("/Groups", {"schemas": [GROUP], "displayName": "G0", "members": [{"value": members[0]}]})
    with django_assert_num_queries(4):  # token, count, page, members of the page
        scim.get("/Groups")
    more = _users(scim, 5, start=1)
    for n in range(1, 6):
        scim.post("/Groups", {"schemas": [GROUP], "displayName": f"G{n}", "members": [{"value": m} for m in more]})
    with django_assert_num_queries(4):
        scim.get("/Groups")


def test_single_reads_are_pinned(scim, django_assert_num_queries):
    user_id = _users(scim, 1)[0]
    group = scim.post("/Groups", {"schemas": [GROUP], "displayName": "G"}).json()["id"]
    with django_assert_num_queries(2):  # token, user with account
        scim.get(f"/Users/{user_id}")
    with django_assert_num_queries(3):  # token, group, members
        scim.get(f"/Groups/{group}")


def test_group_replace_costs_the_same_for_1_and_6_members(scim):
    ids = _users(scim, 6)
    group = scim.post("/Groups", {"schemas": [GROUP], "displayName": "G"}).json()["id"]
    one = _count(
        lambda: scim.put(f"/Groups/{group}", {"schemas": [GROUP], "displayName": "G", "members": [{"value": ids[0]}]})
    )
    _count(lambda: scim.put(f"/Groups/{group}", {"schemas": [GROUP], "displayName": "G"}))
    six = _count(
        lambda: scim.put(
            f"/Groups/{group}", {"schemas": [GROUP], "displayName": "G", "members": [{"value": i} for i in ids]}
        )
    )
    assert one == six


def test_user_update_is_pinned(scim):
    user_id = _users(scim, 1)[0]
    first = _count(lambda: scim.put(f"/Users/{user_id}", user_payload("q0@example.com", title="A")))
    second = _count(lambda: scim.put(f"/Users/{user_id}", user_payload("q0@example.com", title="B")))
    assert first == second
