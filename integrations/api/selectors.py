"""Reads of the token settings page and of the API's authentication."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from intranet.core.viewer import Viewer

from .models import AccessToken
from .permissions import visible_tokens
from .tokenformat import secret_hash

#: Tokens a person may hold at once (the settings page lists them all, unpaginated).
TOKENS_MAX = 50


def token_list_for_settings(viewer: Viewer) -> list[AccessToken]:
    """The viewer's tokens that still work or ended within the last 30 days, newest first (one query)."""
    recent = timezone.now() - dt.timedelta(days=30)
    qs = visible_tokens(viewer).exclude(revoked_at__lt=recent).exclude(expires_at__lt=recent)
    return list(qs.order_by("-created_at", "-id")[:TOKENS_MAX])


def token_get_for_viewer(viewer: Viewer, pk: int) -> AccessToken:
    """The viewer's token ``pk``; ``Http404`` for another person's token and a missing one alike."""
    token = visible_tokens(viewer).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def token_for_secret(secret: str) -> AccessToken | None:
    """The usable token whose secret is ``secret``, with its person (one query), or ``None``.

    Revoked and expired tokens and tokens of deactivated people come back as ``None``: the caller
    cannot tell them from an unknown secret.
    """
    digest = secret_hash(secret)
    if digest is None:
        return None
    token = AccessToken.objects.select_related("user").filter(secret_hash=digest).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    return token
