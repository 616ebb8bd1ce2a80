"""Access rules of sessions and bookings (query-free predicates and their queryset twins)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from intranet.core.viewer import Viewer
from training.programmes.models import Programme
from training.programmes.permissions import can_view_programme
from training.roles import can_view_training_reports, is_training_coordinator, trainer_map

from .models import Session, SessionBooking


def can_create_session(viewer: Viewer, programme: Programme) -> bool:
    return is_training_coordinator(viewer)


def can_view_session(viewer: Viewer, session: Session) -> bool:
    """Sessions of visible programmes (``session.programme`` must be loaded) and one's own."""
    if not viewer.is_authenticated:
        return False
    return can_view_programme(viewer, session.programme) or session.pk in trainer_map(viewer).session_ids


def visible_sessions(viewer: Viewer, qs: QuerySet[Session]) -> QuerySet[Session]:
    if not viewer.is_authenticated:
        return qs.none()
    if is_training_coordinator(viewer):
        return qs
    tm = trainer_map(viewer)
    return qs.filter(Q(programme__published=True) | Q(programme_id__in=tm.programme_ids) | Q(pk__in=tm.session_ids))


def can_manage_session(viewer: Viewer, session: Session) -> bool:
    """Edit the session, see its booking list and export it: training coordinators and its trainers."""
    if not viewer.is_authenticated:
        return False
    return is_training_coordinator(viewer) or session.pk in trainer_map(viewer).session_ids


def can_set_trainers(viewer: Viewer) -> bool:
    """Choose a session's trainers: training coordinators only (trainers edit the rest)."""
    return is_training_coordinator(viewer)


def can_view_session_bookings(viewer: Viewer, session: Session) -> bool:
    return can_manage_session(viewer, session) or can_view_training_reports(viewer)


def can_mark_attendance(viewer: Viewer, session: Session) -> bool:
    return can_manage_session(viewer, session) and not session.is_cancelled


def can_cancel_session(viewer: Viewer, session: Session) -> bool:
    return is_training_coordinator(viewer) and not session.is_cancelled


def can_book_session(viewer: Viewer, session: Session) -> bool:
    """Book a seat (or a waitlist place): published programme, not cancelled, not begun."""
    if not viewer.is_authenticated or session.is_cancelled:
        return False
    return session.programme.published and session.starts_at > timezone.now()


def can_cancel_booking(viewer: Viewer, booking: SessionBooking) -> bool:
    """The booker themself, before the session starts."""
    return (
        viewer.is_authenticated
        and booking.user_id == viewer.user_id
        and booking.status != SessionBooking.Status.CANCELLED
        and booking.session.starts_at > timezone.now()
    )
