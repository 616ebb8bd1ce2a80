"""Access rules of career levels and level applications, and the rights levels unlock."""

from __future__ import annotations

from django.db.models import QuerySet, Subquery

from communities.api import coordinates_everything
from intranet.core.viewer import Viewer

from .models import LevelApplication, LevelRightGrant, UserLevel

LEVEL_RIGHTS_KEY = "training.level_rights"


def level_rights(viewer: Viewer) -> frozenset[str]:
    """Rights the viewer holds through their level: cumulative over all levels up to its rank.

    One query (the rights of every level ranked at or below the viewer's), cached on the viewer.
    """

    def load() -> frozenset[str]:
        if viewer.user_id is None:
            return frozenset()
        own_rank = UserLevel.objects.filter(user_id=viewer.user_id).values("level__rank")[:1]
        return frozenset(
            LevelRightGrant.objects.filter(level__rank__lte=Subquery(own_rank)).values_list("right", flat=True)
        )

    return viewer.remember(LEVEL_RIGHTS_KEY, load)


def has_level_right(viewer: Viewer, right: str) -> bool:
    """Whether the viewer's level (or a lower one) unlocks ``right`` (a :class:`LevelRight` value)."""
    return viewer.is_authenticated and right in level_rights(viewer)


def can_manage_levels(viewer: Viewer) -> bool:
    """Define levels, their requirements and rights, promote, demote and decide applications:
    coordinators of everything (scoped ones not)."""
    return viewer.is_authenticated and (viewer.is_superuser or coordinates_everything(viewer))


def can_change_level_of(viewer: Viewer, user_id: int) -> bool:
    """Nobody changes their own level, coordinators included."""
    return can_manage_levels(viewer) and viewer.user_id != user_id


def can_apply_for_level(viewer: Viewer) -> bool:
    return viewer.is_authenticated


def can_view_level_application(viewer: Viewer, application: LevelApplication) -> bool:
    return viewer.is_authenticated and (application.user_id == viewer.user_id or can_manage_levels(viewer))


def visible_level_applications(
    viewer: Viewer, qs: QuerySet[LevelApplication] | None = None
) -> QuerySet[LevelApplication]:
    qs = LevelApplication.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    if can_manage_levels(viewer):
        return qs
    return qs.filter(user_id=viewer.user_id or 0)


def can_decide_level_application(viewer: Viewer, application: LevelApplication) -> bool:
    return application.state == LevelApplication.State.SUBMITTED and can_change_level_of(viewer, application.user_id)


def can_withdraw_level_application(viewer: Viewer, application: LevelApplication) -> bool:
    return application.state == LevelApplication.State.SUBMITTED and application.user_id == viewer.user_id
