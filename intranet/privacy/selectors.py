"""Reads of the privacy app: a person's exports, one export for its download link."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils.crypto import constant_time_compare

from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from .links import export_token
from .models import ExportRequest
from .permissions import can_export_for_others, can_view_export, visible_exports

ORDERING = ("-created_at", "-id")


def export_list_for_settings(viewer: Viewer, *, cursor: str | None = None, page_size: int = 10) -> Page[ExportRequest]:
    """The exports the viewer asked for, newest first, with the person (one query)."""
    qs = visible_exports(viewer, ExportRequest.objects.select_related("person"))
    return keyset_page(qs, ordering=ORDERING, cursor=cursor, page_size=page_size)


def export_get_for_download(viewer: Viewer, pk: int, token: str) -> ExportRequest:
    """The export ``pk`` if the viewer asked for it and ``token`` is its link's; 404 for missing,
    someone else's and a wrong token alike (one query)."""
    export = ExportRequest.objects.select_related("person").filter(pk=pk).first()
    require_visible(
        export is not None and can_view_export(viewer, export) and constant_time_compare(token, export_token(export))
    )
    assert export is not None
    return export


def person_for_staff_export(viewer: Viewer, query: str) -> object:
    """The account a staff member names by e-mail address or handle; 404 if there is none."""
    if not can_export_for_others(viewer):
        raise Http404
    query = query.strip()
    person = get_user_model()._default_manager.filter(Q(email__iexact=query) | Q(handle__iexact=query)).first()
    if person is None:
        raise Http404
    return person
