"""Training sessions: upcoming sessions the person may see, book a seat, cancel a booking."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest
from ninja import Field as NField
from ninja import Path, Query, Router, Schema, Status

from intranet.core.pagination import keyset_page
from training.sessions.models import Session, SessionBooking
from training.sessions.permissions import visible_sessions
from training.sessions.selectors import session_get_for_viewer
from training.sessions.services import booking_cancel, session_book

from ..auth import READ, WRITE
from ..problems import COMMON_ERRORS
from ..schemas import Cursor, Id

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    programme: str
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    place: str
    capacity: int
    seats_left: int
    my_booking: str | None


class SessionPage(Schema):
    items: list[SessionOut]
    next_cursor: str | None


class BookingOut(Schema):
    session_id: int
    status: str
    waitlist_position: int | None


class SessionQuery(Schema):
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


def _out(session: Any) -> SessionOut:
    return SessionOut(
        id=session.pk,
        programme=session.programme.title,
        title=session.title,
        starts_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        place=session.place,
        capacity=session.capacity,
        seats_left=session.seats_left,
        my_booking=getattr(session, "my_booking", None),
    )


@router.get("/training/sessions", response={200: SessionPage, **COMMON_ERRORS}, auth=READ, summary="Upcoming sessions")
def session_list(request: HttpRequest, params: Query[SessionQuery]) -> Any:
    """Upcoming sessions the person may see (the training pages' ``visible_sessions``), soonest
    first, with the person's own booking status; one query per page."""
    viewer = request.viewer  # type: ignore[attr-defined]
    mine = SessionBooking.objects.filter(session=OuterRef("pk"), user_id=viewer.user_id).exclude(
        status=SessionBooking.Status.CANCELLED
    )
    qs = (
        visible_sessions(viewer, Session.objects.upcoming())
        .select_related("programme")
        .annotate(my_booking=Subquery(mine.values("status")[:1]))
    )
    page = keyset_page(qs, ordering=("starts_at", "id"), cursor=params.cursor, page_size=params.limit)
    return SessionPage(items=[_out(s) for s in page.items], next_cursor=page.next_cursor)


@router.post(
    "/training/sessions/{session_id}/booking", response={201: BookingOut, **COMMON_ERRORS}, auth=WRITE, summary="Book"
)
def session_booking_create(request: HttpRequest, session_id: Path[Id]) -> Any:
    """Book a seat, or a waitlist place when the session is full (booking twice keeps one's place)."""
    viewer = request.viewer  # type: ignore[attr-defined]
    booking = session_book(actor=viewer, session=session_get_for_viewer(viewer, session_id))
    return Status(201, BookingOut(session_id=session_id, status=booking.status, waitlist_position=booking.position))


@router.delete(
    "/training/sessions/{session_id}/booking", response={204: None, **COMMON_ERRORS}, auth=WRITE, summary="Cancel"
)
def session_booking_cancel(request: HttpRequest, session_id: Path[Id]) -> Any:
    viewer = request.viewer  # type: ignore[attr-defined]
    session = session_get_for_viewer(viewer, session_id)
    booking = (
        SessionBooking.objects.select_related("session__programme")
        .filter(session=session, user_id=viewer.user_id)
        .exclude(status=SessionBooking.Status.CANCELLED)
        .first()
    )
    if booking is None:
        raise Http404
    booking_cancel(actor=viewer, booking=booking)
    return Status(204, None)
