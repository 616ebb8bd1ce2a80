"""Who may see, edit and follow people. Predicates are query-free; each ``can_view_*`` has a twin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from .models import User


def can_view_profile(viewer: Viewer, user: User) -> bool:
    """Signed-in colleagues see every active person; deactivated people have no public page."""
    return viewer.is_authenticated and bool(user.is_active)


def visible_users(viewer: Viewer, qs: QuerySet[User]) -> QuerySet[User]:
    """The twin of :func:`can_view_profile` for querysets."""
    if not viewer.is_authenticated:
        return qs.none()
    return qs.filter(is_active=True)


def can_edit_profile(viewer: Viewer, user: User) -> bool:
    """People edit their own profile; staff may edit anyone's (e.g. to fix an offensive avatar)."""
    if not viewer.is_authenticated:
        return False
    return viewer.user_id == user.pk or viewer.is_staff


def can_follow_user(viewer: Viewer, user: User) -> bool:
    """Anyone signed in may follow an active colleague other than themselves."""
    return viewer.is_authenticated and bool(user.is_active) and viewer.user_id != user.pk


def can_invite_people(viewer: Viewer) -> bool:
    """Staff invite people who have no company e-mail address, and manage those invitations."""
    return viewer.is_staff
