"""Who may manage identity-provider tokens. SCIM requests themselves are authorised by the token."""

from __future__ import annotations

from typing import Any


def can_manage_scim_tokens(user: Any) -> bool:
    """Staff issue and revoke identity-provider tokens (as they manage accounts)."""
    return bool(user is not None and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))
