"""Tokens: only staff issue and revoke them; every request without a valid one answers 401."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from integrations.scim.models import ScimToken
from integrations.scim.tokens import scim_token_create, scim_token_revoke
from intranet.core.models import AuditEntry

from .helpers import Scim, is_scim_error

pytestmark = pytest.mark.django_db

PATHS = ["/ServiceProviderConfig", "/Schemas", "/ResourceTypes", "/Users", "/Groups", "/Users/x", "/nothing"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("header", [None, "Bearer scim_wrong", "Basic dXNlcjpwYXNz", "Bearer", "scim_abc"])
def test_missing_or_wrong_token_answers_401_with_a_scim_error(client, path, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(f"/scim/v2{path}", headers=headers)
    assert is_scim_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_answers_401(staff_user, scim_token):
    token, raw = scim_token
    assert Scim(raw).get("/Users").status_code == 200
    scim_token_revoke(actor=staff_user, token=token)
    assert is_scim_error(Scim(raw).get("/Users"), 401)


def test_token_is_stored_hashed_and_shown_once(staff_user):
    token, raw = scim_token_create(actor=staff_user, name="Okta")
    stored = ScimToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix, stored.name)
    assert raw.startswith(stored.prefix) and len(raw) > 40
    assert AuditEntry.objects.filter(action="scim.token.created", actor=staff_user).count() == 1


def test_last_use_is_recorded(scim_token):
    token, raw = scim_token
    assert token.last_used_at is None
    Scim(raw).get("/ServiceProviderConfig")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoking_is_audited_once(staff_user, scim_token):
    token, _raw = scim_token
    scim_token_revoke(actor=staff_user, token=token)
    scim_token_revoke(actor=staff_user, token=token)
    assert AuditEntry.objects.filter(action="scim.token.revoked").count() == 1


def test_only_staff_issue_or_revoke_tokens(user, scim_token):
    with pytest.raises(PermissionDenied):
        scim_token_create(actor=user, name="Rogue")
    with pytest.raises(PermissionDenied):
        scim_token_revoke(actor=user, token=scim_token[0])


def test_staff_issue_a_token_in_the_admin_and_see_it_once(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save(update_fields=["is_superuser"])
    client.force_login(staff_user)
    response = client.post(reverse("admin:scim_scimtoken_add"), {"name": "Entra ID"}, follow=True)
    assert response.status_code == 200
    token = ScimToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    secret = next(word for text in shown for word in text.split() if word.startswith("scim_"))
    assert Scim(secret).get("/ServiceProviderConfig").status_code == 200
    assert secret not in client.get(reverse("admin:scim_scimtoken_changelist")).content.decode()
    client.post(
        reverse("admin:scim_scimtoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert is_scim_error(Scim(secret).get("/ServiceProviderConfig"), 401)


def test_people_without_staff_rights_cannot_open_the_token_admin(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:scim_scimtoken_changelist"))
    assert response.status_code in (302, 403)
