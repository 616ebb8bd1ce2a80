"""Who may see and change notifications: each person only their own (query-free predicates)."""

from __future__ import annotations

from django.db.models import QuerySet

from intranet.core.viewer import Viewer

from .models import Notification


def can_view_notification(viewer: Viewer, notification: Notification) -> bool:
    """Read (and mark read) a notification: its recipient only."""
    return viewer.is_authenticated and viewer.user_id == notification.recipient_id


def visible_notifications(viewer: Viewer, qs: QuerySet[Notification] | None = None) -> QuerySet[Notification]:
    """Twin of :func:`can_view_notification`."""
    qs = Notification.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    return qs.filter(recipient_id=viewer.user_id)


def can_change_preferences(viewer: Viewer) -> bool:
    """Change one's own notification preferences: every signed-in, active person."""
    return viewer.is_authenticated
