"""Whether a session still signs its person in: for long-lived connections that outlive requests.

A websocket authenticates once, at the handshake. Afterwards the session may be gone (sign-out,
expiry), its password hash stale (password changed elsewhere) or the account switched off; an HTTP
request would notice at once, a socket only when it asks. :func:`signed_in_user` asks the same
questions as ``django.contrib.auth.get_user`` against a freshly loaded session, without its side
effects (it never flushes or rewrites the session).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.utils.crypto import constant_time_compare


def _hashes(user: Any) -> list[str]:
    """The session hashes that count for ``user``: the current secret's, then the fallbacks'."""
    hashes = [user.get_session_auth_hash()]
    hashes += [user._get_session_auth_hash(secret=secret) for secret in settings.SECRET_KEY_FALLBACKS]
    return hashes


def signed_in_user(session_key: str | None, user_id: int) -> Any | None:
    """The fresh, active account ``user_id`` if the session ``session_key`` still signs it in.

    ``None`` when the session no longer exists, belongs to someone else, carries a session hash of
    an older password, or the account is inactive or gone. One cache or database read for the
    session and one query for the account.
    """
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    if str(store.get(SESSION_KEY, "")) != str(user_id):
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    stored = str(store.get(HASH_SESSION_KEY, ""))
    if not any(constant_time_compare(stored, current) for current in _hashes(user)):
        return None
    return user
