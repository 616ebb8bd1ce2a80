"""Who may hold and manage personal access tokens, and what a token lets through."""

from __future__ import annotations

from django.db.models import QuerySet

from intranet.core.viewer import Viewer

from .models import AccessToken


def can_manage_own_tokens(viewer: Viewer) -> bool:
    """Every signed-in, active person may create and revoke tokens of their own."""
    return viewer.is_authenticated


def can_revoke_token(viewer: Viewer, token: AccessToken) -> bool:
    """Only the owner revokes a token by hand (the leaver path revokes as the system)."""
    return viewer.is_authenticated and token.user_id == viewer.user_id


def visible_tokens(viewer: Viewer, qs: QuerySet[AccessToken] | None = None) -> QuerySet[AccessToken]:
    """The twin of :func:`can_revoke_token`: the viewer's own tokens."""
    qs = qs if qs is not None else AccessToken.objects.all()
    if viewer.user_id is None:
        return qs.none()
    return qs.filter(user_id=viewer.user_id)


def token_allows(token: AccessToken | None, *, write: bool) -> bool:
    """A browser session (no token) may do what its person may; a token also needs the scope."""
    return token is None or not write or token.can_write
