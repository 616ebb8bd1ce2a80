"""Reads of sessions and bookings: the session page, rosters and the calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from intranet.core.viewer import Viewer

from .models import CalendarToken, Session, SessionBooking
from .permissions import can_view_session_bookings, visible_sessions


def session_get_for_viewer(viewer: Viewer, session_id: int, *, for_update: bool = False) -> Session:
    session = (
        visible_sessions(viewer, Session.objects.select_related("programme", "step")).filter(pk=session_id).first()
    )
    if session is None:
        raise Http404
    return session


@dataclass
class SessionDetail:
    session: Session
    trainers: list
    booking: SessionBooking | None
    roster: list[SessionBooking] | None


def session_detail_for_viewer(viewer: Viewer, session_id: int) -> SessionDetail:
    """Session, trainers, my booking; for its trainers and coordinators the roster (booked, then
    the waitlist in order). Four or five queries."""
    session = session_get_for_viewer(viewer, session_id)
    trainers = list(session.trainers.order_by("display_name", "id"))
    booking = SessionBooking.objects.filter(session=session, user_id=viewer.user_id or 0).first()
    roster = None
    if can_view_session_bookings(viewer, session):
        roster = session_roster(session)
    return SessionDetail(session=session, trainers=trainers, booking=booking, roster=roster)


def session_roster(session: Session, *, include_cancelled: bool = False) -> list[SessionBooking]:
    """Booked people (by name), then the waitlist by position; one query."""
    statuses = [SessionBooking.Status.BOOKED, SessionBooking.Status.WAITLISTED]
    if include_cancelled:
        statuses.append(SessionBooking.Status.CANCELLED)
    rows = list(SessionBooking.objects.filter(session=session, status__in=statuses).select_related("user"))
    order: dict[str, int] = {
        SessionBooking.Status.BOOKED: 0,
        SessionBooking.Status.WAITLISTED: 1,
        SessionBooking.Status.CANCELLED: 2,
    }
    rows.sort(key=lambda b: (order[b.status], b.position or 0, b.user.display_name.lower(), b.pk))
    return rows


def feed_sessions_for_token(token: str) -> tuple[int, list[Session]] | None:
    """Sessions (booked, not cancelled; from 30 days back) of the person owning ``token``; ``None``
    for an unknown token. Two queries."""
    row = CalendarToken.objects.filter(token=token).select_related("user").first()
    if row is None or not row.user.is_active:
        return None
    sessions = list(
        Session.objects.filter(
            bookings__user_id=row.user_id,
            bookings__status=SessionBooking.Status.BOOKED,
            starts_at__gte=timezone.now() - timedelta(days=30),
        )
        .select_related("programme")
        .order_by("starts_at", "id")[:500]
    )
    return row.user_id, sessions


def trainer_ids_by_handle_or_email(tokens: list[str]) -> tuple[list[int], list[str]]:
    """Active people named by handle or e-mail address (case-insensitive, as the person picker
    sends them): their ids, sorted, and the tokens that name nobody (one query; none for none)."""
    wanted = [t.strip().lstrip("@").lower() for t in tokens if t.strip().lstrip("@")]
    if not wanted:
        return [], []
    found: dict[str, int] = {}
    rows = get_user_model().objects.filter(Q(email__in=wanted) | Q(handle__in=wanted), is_active=True)
    for email, handle, pk in rows.values_list("email", "handle", "pk"):
        found[email.lower()] = found[handle.lower()] = pk
    return sorted(set(found.values())), [t for t in wanted if t not in found]
