"""Who must sign in with a second factor, and whether they have one (``REQUIRE_MFA_FOR_STAFF``).

Staff and superusers always must. Apps add the roles they know of (communities: coordinators)
through :func:`register_second_factor_role`; accounts never imports them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from intranet.core.viewer import Viewer

RolePredicate = Callable[[Viewer], bool]

_ROLES: list[RolePredicate] = []
# Recovery codes alone are no second factor: they only stand in for a lost one.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# A passed check is remembered in the session for this long, so that a page costs no extra query;
# removing an authenticator forgets it at once, a new role takes effect within this time.
RECHECK_SECONDS = 300
_SESSION_KEY = "_second_factor_checked"


def register_second_factor_role(predicate: RolePredicate) -> None:
    """Require a second factor of everyone for whom ``predicate(viewer)`` holds (at start-up)."""
    if predicate not in _ROLES:
        _ROLES.append(predicate)


def second_factor_required(viewer: Viewer) -> bool:
    """Whether the viewer's role demands a second factor: staff, superusers and registered roles."""
    if not viewer.is_authenticated:
        return False
    return viewer.is_staff or viewer.is_superuser or any(predicate(viewer) for predicate in _ROLES)


def has_second_factor(user_id: int) -> bool:
    """Whether the account has an authenticator app or security key set up (one query)."""
    return Authenticator.objects.filter(user_id=user_id, type__in=SECOND_FACTOR_TYPES).exists()


def second_factor_recently_checked(request: HttpRequest) -> bool:
    """Whether this session passed the check for its current user within ``RECHECK_SECONDS``."""
    entry = request.session.get(_SESSION_KEY)
    if not isinstance(entry, list) or len(entry) != 2 or entry[0] != request.user.pk:
        return False
    return 0 <= time.time() - float(entry[1]) < RECHECK_SECONDS


def second_factor_remember_check(request: HttpRequest) -> None:
    request.session[_SESSION_KEY] = [request.user.pk, time.time()]


def second_factor_forget_check(request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Receiver of allauth's ``authenticator_removed``: check again on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(_SESSION_KEY, None)
