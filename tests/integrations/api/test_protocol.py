"""Problem details, ETags, If-Match, Idempotency-Key, keyset cursors and rate limits."""

from __future__ import annotations

from typing import Any

import pytest

from communities.models import Community, Post
from tests.communities.factories import CommunityFactory, MembershipFactory, write_post
from tests.integrations.api.conftest import ApiClient, api_as

pytestmark = pytest.mark.django_db


def test_missing_and_secret_communities_answer_the_same_404(user):
    secret = CommunityFactory.create(visibility=Community.Visibility.SECRET)
    api = api_as(user)
    hidden = api.get(f"/communities/{secret.slug}")
    missing = api.get("/communities/no-such-community")
    assert hidden.status_code == missing.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"
    assert {k: v for k, v in hidden.json().items() if k != "instance"} == {
        k: v for k, v in missing.json().items() if k != "instance"
    }


def test_validation_errors_are_problems_with_fields(api):
    response = api.send("POST", "/communities", {"name": "", "visibility": "nope"})
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:intranet:problem:invalid-input"
    assert {e["field"].split(".")[-1] for e in body["errors"]} >= {"name", "visibility"}


def test_nul_in_query_and_forged_cursor_are_400_problems(api):
    nul = api.get("/communities", q="a\x00b")
    assert nul.status_code == 400
    assert nul["Content-Type"] == "application/problem+json"
    forged = api.get("/communities", cursor="forged")
    assert forged.status_code == 400
    assert forged.json()["type"] == "urn:intranet:problem:invalid-cursor"


def test_german_titles(user):
    api = api_as(user)
    response = api.get("/communities/nothing", headers={"Accept-Language": "de"})
    assert response.json()["title"] == "Nicht gefunden"


def test_etag_and_if_none_match(api):
    community = CommunityFactory.create()
    first = api.get(f"/communities/{community.slug}")
    etag = first["ETag"]
    assert api.get(f"/communities/{community.slug}", headers={"If-None-Match": etag}).status_code == 304
    Community.objects.filter(pk=community.pk).update(name="Renamed")
    assert api.get(f"/communities/{community.slug}", headers={"If-None-Match": etag}).status_code == 200


def test_if_match_refuses_a_stale_edit(user):
    community = CommunityFactory.create()
    MembershipFactory.create(user=user, community=community, role="owner")
    api = api_as(user)
    etag = api.get(f"/communities/{community.slug}")["ETag"]
    ok = api.send("PATCH", f"/communities/{community.slug}", {"name": "New name"}, headers={"If-Match": etag})
    assert ok.status_code == 200, ok.content
    stale = api.send("PATCH", f"/communities/{community.slug}", {"name": "Other"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert Community.objects.get(pk=community.pk).name == "New name"


def test_idempotency_key_replays_and_refuses_another_body(user):
    community = CommunityFactory.create()
    MembershipFactory.create(user=user, community=community)
    api = api_as(user)
    headers = {"Idempotency-Key": "0d4c3a7e-retry-1"}
    body = {"title": "Once", "body": "only once"}
    first = api.send("POST", f"/communities/{community.slug}/posts", body, headers=headers)
    again = api.send("POST", f"/communities/{community.slug}/posts", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Post.objects.filter(community=community).count() == 1
    other = api.send("POST", f"/communities/{community.slug}/posts", {"title": "Else"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "urn:intranet:problem:idempotency-key-reused"
    bad = api.send("POST", f"/communities/{community.slug}/posts", body, headers={"Idempotency-Key": " "})
    assert bad.status_code == 400


def test_failed_create_claims_no_key(user):
    community = CommunityFactory.create()  # not a member: refused
    api = api_as(user)
    headers = {"Idempotency-Key": "k-1"}
    assert (
        api.send(
            "POST", f"/communities/{community.slug}/posts", {"title": "x", "body": "y"}, headers=headers
        ).status_code
        == 403
    )
    MembershipFactory.create(user=user, community=community)
    assert (
        api.send(
            "POST", f"/communities/{community.slug}/posts", {"title": "x", "body": "y"}, headers=headers
        ).status_code
        == 201
    )


def test_keyset_pages_walk_every_post_once(user):
    community = CommunityFactory.create()
    MembershipFactory.create(user=user, community=community)
    ids = {write_post(user, community, title=f"Post {i}").pk for i in range(5)}
    api = api_as(user)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/communities/{community.slug}/posts", **params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)


def test_rate_limit_per_token_answers_429_with_retry_after(user, settings):
    settings.API_RATE_LIMIT_PER_TOKEN = 3
    api = api_as(user)
    statuses = [api.get("/communities").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/communities")
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["type"] == "urn:intranet:problem:rate-limited"
    # Another token of the same person has its own per-token budget...
    assert api_as(user).get("/communities").status_code == 200


def test_rate_limit_per_person_covers_all_their_tokens(user, settings):
    settings.API_RATE_LIMIT_PER_PERSON = 2
    first, second = api_as(user), ApiClient(api_as(user).secret)
    assert first.get("/communities").status_code == 200
    assert second.get("/communities").status_code == 200
    assert first.get("/communities").status_code == 429


def test_remembered_answers_are_purged_after_two_days(user):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from integrations.api.idempotency import idempotent_requests_purge
    from integrations.api.models import IdempotentRequest

    community = CommunityFactory.create()
    MembershipFactory.create(user=user, community=community)
    api = api_as(user)
    api.send(
        "POST", f"/communities/{community.slug}/posts", {"title": "t", "body": "b"}, headers={"Idempotency-Key": "a"}
    )
    assert idempotent_requests_purge() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert idempotent_requests_purge() == 1
    assert not IdempotentRequest.objects.exists()
