"""Identity-provider bearer tokens: issued by staff, shown once, stored as a SHA-256 digest.

A token carries 256 random bits, so an unsalted digest is enough to make a leaked table useless
and still lets a request find its token with one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from intranet.accounts.models import User
from intranet.core.audit import audit_log
from intranet.core.permissions import require

from .models import ScimToken
from .permissions import can_manage_scim_tokens

TOKEN_PREFIX = "scim_"  # noqa: S105 - a public marker, not a secret
#: ``last_used_at`` is written at most once per this interval, not on every request.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def scim_token_create(*, actor: User, name: str) -> tuple[ScimToken, str]:
    """Issue a token for one identity provider (staff only). Returns the row and the secret,
    which is never shown again. One audit row."""
    require(can_manage_scim_tokens(actor))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        name=name.strip()[:120], prefix=raw[: len(TOKEN_PREFIX) + 6], digest=_digest(raw), created_by=actor
    )
    audit_log(actor=actor, action="scim.token.created", target=token, after={"name": token.name})
    return token, raw


@transaction.atomic
def scim_token_revoke(*, actor: User, token: ScimToken) -> ScimToken:
    """Revoke a token at once (staff only); revoking twice changes nothing. One audit row."""
    require(can_manage_scim_tokens(actor))
    locked = ScimToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="scim.token.revoked", target=locked, before={"revoked": False})
    return locked


def scim_token_authenticate(raw: str) -> ScimToken | None:
    """The active token ``raw`` names, or ``None``. Records the last use (at most once a minute)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ScimToken.objects.filter(digest=_digest(raw), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
