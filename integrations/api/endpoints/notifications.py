"""The person's own notifications: list (all or unread) and mark read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field as NField
from ninja import Path, Query, Router, Schema

from intranet.notifications.selectors import notification_get_for_viewer, notification_list_for_centre
from intranet.notifications.services import notification_mark_all_read, notification_mark_read

from ..auth import READ, WRITE
from ..problems import COMMON_ERRORS
from ..schemas import Cursor, Id

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    created_at: dt.datetime
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class MarkedOut(Schema):
    marked: int


class NotificationQuery(Schema):
    unread: bool = False
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


def _out(notification: Any) -> NotificationOut:
    return NotificationOut(
        id=notification.pk,
        kind=notification.kind,
        message=str(notification.message),
        url=notification.url,
        created_at=notification.created_at,
        read=notification.read_at is not None,
    )


@router.get("/notifications", response={200: NotificationPage, **COMMON_ERRORS}, auth=READ, summary="My notifications")
def notification_list(request: HttpRequest, params: Query[NotificationQuery]) -> Any:
    page = notification_list_for_centre(
        request.viewer,  # type: ignore[attr-defined]
        unread_only=params.unread,
        cursor=params.cursor,
        page_size=params.limit,
    )
    return NotificationPage(items=[_out(n) for n in page.items], next_cursor=page.next_cursor)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **COMMON_ERRORS},
    auth=WRITE,
    summary="Read",
)
def notification_read(request: HttpRequest, notification_id: Path[Id]) -> Any:
    viewer = request.viewer  # type: ignore[attr-defined]
    notification = notification_get_for_viewer(viewer, notification_id)
    return _out(notification_mark_read(actor=viewer, notification=notification))


@router.post("/notifications/read-all", response={200: MarkedOut, **COMMON_ERRORS}, auth=WRITE, summary="Read all")
def notification_read_all(request: HttpRequest) -> Any:
    return MarkedOut(marked=notification_mark_all_read(actor=request.viewer))  # type: ignore[attr-defined]
