"""Reads of the erasure pages (staff only; 404 for everyone else)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from ..models import ErasureRequest, User
from .permissions import can_manage_erasure, visible_erasure_requests

ERASURE_ORDERING = ("-requested_at", "-id")


def _requests() -> QuerySet[ErasureRequest]:
    return ErasureRequest.objects.select_related("subject", "requested_by", "decided_by")


def erasure_request_list_for_staff(
    *, viewer: Viewer, cursor: str | None = None, page_size: int = 25
) -> Page[ErasureRequest]:
    """One page of erasure requests, newest first, with the people involved (one query).

    ``Http404`` for anyone but staff; ``InvalidCursor`` for a cursor this list did not make.
    """
    require_visible(can_manage_erasure(viewer))
    qs = visible_erasure_requests(viewer, _requests())
    return keyset_page(qs, ordering=ERASURE_ORDERING, cursor=cursor, page_size=page_size)


def erasure_request_get_for_viewer(*, viewer: Viewer, pk: int) -> ErasureRequest:
    """The request ``pk`` with its people; ``Http404`` when missing or not for ``viewer``."""
    request = visible_erasure_requests(viewer, _requests()).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def erasure_subject_get(*, viewer: Viewer, handle: str) -> User | None:
    """The person a new request names (by handle or e-mail address), active or not."""
    require_visible(can_manage_erasure(viewer))
    handle = (handle or "").strip().lstrip("@")
    if not handle or len(handle) > 254:
        return None
    field = "email__iexact" if "@" in handle else "handle__iexact"
    return User.objects.filter(**{field: handle}).first()
