"""Meetups: the directory of upcoming (or past) dates, and the person's RSVP."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field as NField
from ninja import Path, Query, Router, Schema

from meetups.events.selectors import DirectoryFilters, event_get, event_list_for_directory
from meetups.events.services.rsvp import rsvp_set

from ..auth import READ, WRITE
from ..problems import COMMON_ERRORS
from ..schemas import Cursor, Id, Text

router = Router(tags=["meetups"])


class MeetupOut(Schema):
    id: int
    series: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    cancelled: bool
    going_count: int
    my_rsvp: str | None
    url: str


class MeetupPage(Schema):
    items: list[MeetupOut]
    next_cursor: str | None


class RsvpIn(Schema):
    status: Literal["going", "not_going"]


class RsvpOut(Schema):
    event_id: int
    status: str


class MeetupQuery(Schema):
    tab: Literal["upcoming", "past"] = "upcoming"
    q: Annotated[Text, NField(max_length=100)] = ""
    topic: Annotated[str, NField(pattern=r"^[-a-zA-Z0-9_]*$", max_length=100)] = ""
    city: Annotated[Text, NField(max_length=100)] = ""
    cursor: Cursor | None = None
    limit: Annotated[int, NField(ge=1, le=100)] = 20


def _out(event: Any) -> MeetupOut:
    return MeetupOut(
        id=event.pk,
        series=event.series.slug,
        title=event.display_title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        cancelled=event.cancelled,
        going_count=event.going_count,
        my_rsvp=getattr(event, "my_status", None),
        url=event.get_absolute_url(),
    )


@router.get("/meetups", response={200: MeetupPage, **COMMON_ERRORS}, auth=READ, summary="Meetup dates")
def meetup_list(request: HttpRequest, params: Query[MeetupQuery]) -> Any:
    page = event_list_for_directory(
        viewer=request.viewer,  # type: ignore[attr-defined]
        filters=DirectoryFilters(tab=params.tab, query=params.q, topic=params.topic, city=params.city),
        cursor=params.cursor,
        page_size=params.limit,
    )
    return MeetupPage(items=[_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.put("/meetups/{event_id}/rsvp", response={200: RsvpOut, **COMMON_ERRORS}, auth=WRITE, summary="RSVP")
def meetup_rsvp(request: HttpRequest, event_id: Path[Id], data: RsvpIn) -> Any:
    """Answer going (a seat, or the waitlist when full) or not going."""
    viewer = request.viewer  # type: ignore[attr-defined]
    event = event_get(viewer=viewer, pk=event_id)
    rsvp = rsvp_set(actor=viewer, event_id=event.pk, status=data.status)
    return RsvpOut(event_id=event.pk, status=rsvp.status)
