"""The request-scoped permission context that every predicate receives.

A ``Viewer`` wraps the user and memoises whatever role maps the domain apps load for it, so a page
that asks the same question for fifty rows pays for the underlying query once. The kernel knows no
domain nouns: apps store their maps under their own keys through :meth:`Viewer.remember`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from intranet.accounts.models import User

T = TypeVar("T")


class Viewer:
    __slots__ = ("_cache", "user")

    def __init__(self, user: User | AnonymousUser | None) -> None:
        self.user: User | AnonymousUser = user if user is not None else AnonymousUser()
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Viewer {self.user_id or 'anonymous'}>"

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.is_authenticated else None

    @property
    def is_staff(self) -> bool:
        return self.is_authenticated and bool(self.user.is_staff)

    @property
    def is_superuser(self) -> bool:
        return self.is_authenticated and bool(self.user.is_superuser)

    def remember(self, key: str, loader: Callable[[], T]) -> T:
        """Return the value cached under ``key``, computing it with ``loader`` on first use."""
        try:
            return self._cache[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._cache[key] = loader()
            return value

    def forget(self, key: str | None = None) -> None:
        """Drop one cached map (or all) after a write changed the viewer's roles."""
        if key is None:
            self._cache.clear()
        else:
            self._cache.pop(key, None)


def viewer_for(user: User | AnonymousUser | None) -> Viewer:
    """Build a viewer for code outside a request: tasks, consumers, management commands."""
    return Viewer(user)


def as_viewer(actor: Viewer | User) -> Viewer:
    """Services accept the request's viewer (reusing its maps) or a plain user (tasks, scripts)."""
    return actor if isinstance(actor, Viewer) else Viewer(actor)
