"""Reads of career levels: the contract for other apps and the screens of levels and applications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from .models import Level, LevelApplication, LevelChange, UserLevel
from .permissions import can_view_level_application, visible_level_applications

# Qualification source (communities reads it through its registry) -----------------------------


def levels_for_users(user_ids: Iterable[int]) -> dict[int, Level]:
    """The level each person holds now (people without one are missing); one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return {row.user_id: row.level for row in UserLevel.objects.filter(user_id__in=ids).select_related("level")}


# Screens ----------------------------------------------------------------------------------------


def level_list() -> list[Level]:
    """Every level in rank order with its required programmes and rights (three queries)."""
    return list(Level.objects.order_by("rank").prefetch_related("required_programmes", "grants"))


def level_get(level_id: int) -> Level:
    return get_object_or_404(Level, pk=level_id)


def level_list_for_manage() -> list[Level]:
    """The coordinators' list of levels: rank order, requirements, rights, how many people hold
    each and how many applications wait (three queries, whatever the number of levels).

    Levels are few (a career has a handful of steps), so the list is not paged.
    """
    open_applications = Count(
        "applications", filter=Q(applications__state=LevelApplication.State.SUBMITTED), distinct=True
    )
    return list(
        Level.objects.order_by("rank")
        .annotate(holder_count=Count("holders", distinct=True), open_application_count=open_applications)
        .prefetch_related("required_programmes", "grants")
    )


def level_get_for_manage(level_id: int) -> Level:
    """One level with its rights and required programmes for the edit form (404 if missing)."""
    level = Level.objects.filter(pk=level_id).prefetch_related("grants", "required_programmes").first()
    if level is None:
        raise Http404
    return level


@dataclass
class ProfileLevel:
    level: Level | None
    awarded_at: object = None
    history: list[LevelChange] = field(default_factory=list)


def level_history_for_user(user_id: int, *, limit: int = 5) -> ProfileLevel:
    """Current level and the latest changes of one person (two queries)."""
    current = UserLevel.objects.select_related("level").filter(user_id=user_id).first()
    history = list(
        LevelChange.objects.filter(user_id=user_id)
        .select_related("from_level", "to_level")
        .order_by("-created_at", "-id")[:limit]
    )
    return ProfileLevel(
        level=current.level if current else None, awarded_at=current.awarded_at if current else None, history=history
    )


def application_queue(viewer: Viewer, *, cursor: str | None = None, page_size: int = 20) -> Page[LevelApplication]:
    """Open applications, oldest first (coordinators), one query per page."""
    qs: QuerySet[LevelApplication] = (
        visible_level_applications(viewer)
        .filter(state=LevelApplication.State.SUBMITTED)
        .select_related("user", "level")
    )
    return keyset_page(qs, ordering=("submitted_at", "id"), cursor=cursor, page_size=page_size)


def applications_of_user(user_id: int) -> list[LevelApplication]:
    return list(
        LevelApplication.objects.filter(user_id=user_id).select_related("level").order_by("-submitted_at", "-id")[:20]
    )


def application_get_for_viewer(viewer: Viewer, application_id: int) -> LevelApplication:
    application = (
        LevelApplication.objects.select_related("user", "level", "decided_by").filter(pk=application_id).first()
    )
    require_visible(application is not None and can_view_level_application(viewer, application))
    assert application is not None
    return application


def holders_page(*, cursor: str | None = None, page_size: int = 30) -> Page[UserLevel]:
    """People holding a level, highest rank first (coordinators' overview)."""
    qs = UserLevel.objects.select_related("user", "level")
    return keyset_page(qs, ordering=("-level__rank", "-id"), cursor=cursor, page_size=page_size)
