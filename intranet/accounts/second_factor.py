"""Who must sign in with a second factor, and whether they have one (``REQUIRE_MFA_FOR_STAFF``).

Staff and superusers always must. Apps add the roles they know of (communities: coordinators)
through :func:`register_second_factor_role`; accounts never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator

from intranet.core.viewer import Viewer

RolePredicate = Callable[[Viewer], bool]

_ROLES: list[RolePredicate] = []
# Recovery codes alone are no second factor: they only stand in for a lost one.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


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
