"""The leaver path: a deactivated person's tokens are revoked with the deactivation."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from intranet.accounts.models import User
from intranet.accounts.signals import user_deactivating

from .services import tokens_revoke_for_user


@receiver(user_deactivating, dispatch_uid="api.revoke_tokens")
def revoke_tokens_of_leaver(sender: Any, *, user: User, reason: str = "", **kwargs: Any) -> None:
    tokens_revoke_for_user(user=user, reason=reason)
