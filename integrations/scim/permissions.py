"""Who may manage identity-provider tokens. SCIM requests themselves are authorised by the token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import ScimToken


def can_manage_scim_tokens(user: Any) -> bool:
    """Staff issue and revoke identity-provider tokens (as they manage accounts)."""
    return bool(user is not None and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def can_provision(token: ScimToken | None) -> bool:
    """An identity provider may provision while its token exists and is not revoked."""
    return token is not None and token.revoked_at is None
