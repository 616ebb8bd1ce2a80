"""Writes of personal access tokens: create (the secret shown once), revoke, record use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.accounts.models import User
from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

from .models import AccessToken
from .permissions import can_manage_own_tokens, can_revoke_token
from .selectors import TOKENS_MAX
from .tokenformat import display_prefix, new_secret, secret_hash

NAME_MAX = 80
#: The longest lifetime a person may choose; tokens always expire.
LIFETIME_MAX = dt.timedelta(days=366)
#: ``last_used_at`` is written at most once per this interval, so busy tokens cost no write per call.
LAST_USE_RESOLUTION = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class CreatedToken:
    token: AccessToken
    secret: str


@transaction.atomic
def token_create(*, actor: Viewer | User, name: str, scope: str, lifetime: dt.timedelta) -> CreatedToken:
    """Create a token for the actor; the secret comes back once and only its hash is stored.

    Audited (``api.token_created``). ``ValidationError`` for an empty name, an unknown scope, a
    lifetime outside one day to :data:`LIFETIME_MAX`, or more than ``TOKENS_MAX`` working tokens.
    """
    viewer = as_viewer(actor)
    require(can_manage_own_tokens(viewer))
    user = viewer.user
    assert isinstance(user, User)
    name = " ".join((name or "").replace("\x00", "").split())[:NAME_MAX]
    if not name:
        raise ValidationError({"name": [_("Give the token a name, e.g. the tool that will use it.")]})
    if scope not in AccessToken.Scope.values:
        raise ValidationError({"scope": [_("Choose read or read and write.")]})
    if not dt.timedelta(days=1) <= lifetime <= LIFETIME_MAX:
        raise ValidationError({"expires": [_("A token lasts between one day and one year.")]})
    User.objects.select_for_update().filter(pk=user.pk).first()  # one token count at a time per person
    now = timezone.now()
    working = AccessToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).count()
    if working >= TOKENS_MAX:
        raise ValidationError(_("You have too many tokens. Revoke the ones you no longer use."), code="too_many")
    secret = new_secret()
    digest = secret_hash(secret)
    assert digest is not None
    token = AccessToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=display_prefix(secret),
        secret_hash=digest,
        created_at=now,
        expires_at=now + lifetime,
    )
    audit_log(
        actor=user,
        action="api.token_created",
        target=token,
        after={"name": name, "scope": scope, "expires_at": token.expires_at.isoformat() if token.expires_at else None},
        scope=f"user:{user.pk}",
    )
    return CreatedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, actor: Viewer | User, token: AccessToken) -> AccessToken:
    """Revoke one of the actor's tokens at once (idempotent: a revoked token stays as it was)."""
    viewer = as_viewer(actor)
    require(can_revoke_token(viewer, token))
    locked = AccessToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_log(actor=viewer.user, action="api.token_revoked", target=locked, scope=f"user:{locked.user_id}")
    return locked


def tokens_revoke_for_user(*, user: User, reason: str = "") -> int:
    """Revoke every working token of ``user`` (the leaver path; the system acts). One audit row
    when any was revoked. Runs in the caller's transaction."""
    now = timezone.now()
    count = AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    if count:
        audit_log(
            actor=None,
            action="api.tokens_revoked",
            target=user,
            after={"revoked": count},
            reason=reason,
            scope=f"user:{user.pk}",
        )
    return count


def token_touch(*, token: AccessToken) -> None:
    """Record that ``token`` was used now, at most once per :data:`LAST_USE_RESOLUTION`."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_RESOLUTION:
        return
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
