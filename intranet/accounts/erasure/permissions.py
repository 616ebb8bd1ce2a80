"""Who may open, see and decide erasure requests: staff only; the approver is a second person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from ..models import ErasureRequest, User


def can_manage_erasure(viewer: Viewer) -> bool:
    """Staff see the erasure requests and open new ones; everyone else gets a 404."""
    return viewer.is_authenticated and viewer.is_staff


def can_view_erasure_request(viewer: Viewer, request: ErasureRequest) -> bool:
    return can_manage_erasure(viewer)


def visible_erasure_requests(viewer: Viewer, qs: QuerySet[ErasureRequest]) -> QuerySet[ErasureRequest]:
    """The twin of :func:`can_view_erasure_request`."""
    return qs if can_manage_erasure(viewer) else qs.none()


def can_request_erasure(viewer: Viewer, subject: User) -> bool:
    """Staff may ask to erase anyone but themselves."""
    return can_manage_erasure(viewer) and viewer.user_id != subject.pk


def can_decide_erasure(viewer: Viewer, request: ErasureRequest) -> bool:
    """A second member of staff, not the one who asked, approves or rejects a pending request."""
    return (
        can_manage_erasure(viewer)
        and request.state == request.State.PENDING
        and viewer.user_id != request.requested_by_id
        and viewer.user_id != request.subject_id
    )
