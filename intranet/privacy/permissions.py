"""Who may ask for, see and download data exports, and who reads the register page."""

from __future__ import annotations

from django.db.models import QuerySet

from intranet.core.viewer import Viewer

from .models import ExportRequest


def can_request_own_export(viewer: Viewer) -> bool:
    return viewer.is_authenticated


def can_export_for_others(viewer: Viewer) -> bool:
    """Staff answer access requests for anyone (every such export is audited)."""
    return viewer.is_staff


def can_request_export(viewer: Viewer, person_id: int) -> bool:
    if person_id == viewer.user_id:
        return can_request_own_export(viewer)
    return can_export_for_others(viewer)


def can_view_export(viewer: Viewer, export: ExportRequest) -> bool:
    """Only the one who asked for an export sees it and its link: the person, or the staff member
    who ran it for them."""
    return viewer.is_authenticated and export.requested_by_id == viewer.user_id


def visible_exports(viewer: Viewer, qs: QuerySet[ExportRequest]) -> QuerySet[ExportRequest]:
    if not viewer.is_authenticated:
        return qs.none()
    return qs.filter(requested_by_id=viewer.user_id)


def can_view_register(viewer: Viewer) -> bool:
    """The page "What the platform records about people": staff (the works council reads it with them)."""
    return viewer.is_staff
