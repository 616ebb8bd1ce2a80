"""Personal access tokens: shown once, stored hashed, scoped, expiring, revocable, audited, and
dead the moment their person leaves."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from integrations.api.models import AccessToken
from integrations.api.services import token_revoke
from integrations.api.tokenformat import PATTERN
from intranet.accounts.services import user_deactivate
from intranet.core.models import AuditEntry
from tests.communities.factories import CommunityFactory
from tests.factories import UserFactory
from tests.integrations.api.conftest import ApiClient, make_token
from tests.support.queries import count_queries

pytestmark = pytest.mark.django_db


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(user):
    client = Client()
    client.force_login(user)
    page = client.post("/settings/api-tokens/", {"name": "Dashboard", "scope": "read", "lifetime": "30"}, follow=True)
    assert page.status_code == 200
    secret = PATTERN.search(page.content.decode()).group(0)  # type: ignore[union-attr]
    token = AccessToken.objects.get(user=user)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(AccessToken.objects.values().get())
    assert AuditEntry.objects.filter(action="api.token_created", target_id=str(token.pk)).exists()
    again = client.get("/settings/api-tokens/")
    assert secret not in again.content.decode()
    assert "Dashboard" in again.content.decode()


def test_token_page_refuses_an_empty_name(user):
    client = Client()
    client.force_login(user)
    page = client.post("/settings/api-tokens/", {"name": "", "scope": "read", "lifetime": "30"})
    assert page.status_code == 400
    assert not AccessToken.objects.exists()


def test_read_token_reads_but_may_not_write(user):
    api = ApiClient(make_token(user, AccessToken.Scope.READ))
    assert api.get("/communities").status_code == 200
    refused = api.send("POST", "/communities", {"name": "Nope"})
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:intranet:problem:insufficient-scope"


def test_revoked_and_expired_tokens_answer_401(user):
    secret = make_token(user)
    api = ApiClient(secret)
    assert api.get("/communities").status_code == 200
    token = AccessToken.objects.get(user=user)
    with transaction.atomic():
        token_revoke(actor=user, token=token)
    assert api.get("/communities").status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoked").count() == 1
    other = ApiClient(make_token(user))
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        response = other.get("/communities")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_another_persons_token_cannot_be_revoked_through_the_page(user, other_user):
    make_token(other_user)
    token = AccessToken.objects.get(user=other_user)
    client = Client()
    client.force_login(user)
    assert client.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_deactivation_revokes_tokens_at_once(user, staff_user):
    api = ApiClient(make_token(user))
    assert api.get("/communities").status_code == 200
    user_deactivate(actor=staff_user, user=user, reason="left the company")
    assert api.get("/communities").status_code == 401
    assert AccessToken.objects.get(user=user).revoked_at is not None
    assert AuditEntry.objects.filter(action="api.tokens_revoked", target_id=str(user.pk)).exists()


def test_inactive_person_is_refused_even_before_revocation(user):
    api = ApiClient(make_token(user))
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert api.get("/communities").status_code == 401


def test_last_use_is_recorded_at_most_every_few_minutes(user):
    api = ApiClient(make_token(user))
    api.get("/communities")
    first = AccessToken.objects.get(user=user).last_used_at
    assert first is not None
    api.get("/communities")
    assert AccessToken.objects.get(user=user).last_used_at == first
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        api.get("/communities")
    assert AccessToken.objects.get(user=user).last_used_at > first  # type: ignore[operator]


def test_session_needs_csrf_for_writes(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/communities").status_code == 200
    refused = client.post("/api/v1/communities", data={"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"


def test_anonymous_gets_401_problem():
    CommunityFactory.create()
    response = ApiClient().get("/communities")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_garbage_bearer_is_401(db):
    UserFactory.create()
    assert ApiClient("itpat_" + "x" * 43).get("/communities").status_code == 401
    assert ApiClient("not a token").get("/communities").status_code == 401


def test_docs_page_is_served_from_own_static_files_under_the_csp(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/dist/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/api/docs.js" in html
    assert "<script>" not in html  # no inline script: the site's policy allows none
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "cdn" not in html.lower()
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")


def test_user_menu_links_the_token_page(user):
    client = Client()
    client.force_login(user)
    assert 'href="/settings/api-tokens/"' in client.get("/").content.decode()


#: The viewer and the tokens (one query however many); the session is cached.
PAGE_QUERIES = 2


def test_token_page_costs_a_fixed_number_of_queries(user):
    client = Client()
    client.force_login(user)
    url = reverse("api_tokens:token_list")
    make_token(user)
    client.get(url)
    one, _queries, _response = count_queries(lambda: client.get(url))
    for _ in range(5):
        make_token(user)
    six, _queries, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert one == six == PAGE_QUERIES, _queries
