"""Access rules of the training app: query-free predicates and their queryset twins.

Sections: programmes, sessions and certificates; then exams, levels and circles.

Roles in training (t1 sections):

* **training coordinators** are coordinators of *everything* (staff, holders of
  ``communities.coordinate`` without a narrowing scope): they create and edit programmes, steps and
  sessions, cancel sessions, accept exercises, and revoke certificates.
* **scoped coordinators** (a :class:`communities.models.CoordinatorScope` row) look after some
  communities, not after the training catalogue: they see the reports (progress, cohorts, who is
  certified, what expires, who is stuck, CSV exports) read-only.
* **trainers** (``Session.trainers``) edit their own sessions, see their booking lists, mark
  attendance and accept exercises of the programmes they teach.
* every signed-in employee sees published programmes and their sessions, enrols, books, and may
  verify any certificate code.

Trainer maps are loaded once per viewer (one query) through :meth:`Viewer.remember`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from communities.permissions import coordinates_everything, is_coordinator
from intranet.core.viewer import Viewer

from .models import Certificate, Enrolment, Programme, Session, SessionBooking, StepProgress

# Programmes, sessions and certificates ----------------------------------------------------

TRAINER_KEY = "training.trainer"


@dataclass(frozen=True)
class TrainerMap:
    session_ids: frozenset[int]
    programme_ids: frozenset[int]


def trainer_map(viewer: Viewer) -> TrainerMap:
    """Sessions the viewer trains and their programmes (one query per viewer, cached)."""
    if not viewer.is_authenticated:
        return TrainerMap(frozenset(), frozenset())

    def load() -> TrainerMap:
        rows = list(
            Session.trainers.through.objects.filter(user_id=viewer.user_id or 0).values_list(
                "session_id", "session__programme_id"
            )
        )
        return TrainerMap(frozenset(r[0] for r in rows), frozenset(r[1] for r in rows))

    return viewer.remember(TRAINER_KEY, load)


def is_training_coordinator(viewer: Viewer) -> bool:
    """Runs the training catalogue: coordinators of everything (staff included)."""
    return coordinates_everything(viewer)


def is_trainer(viewer: Viewer) -> bool:
    return bool(trainer_map(viewer).session_ids)


def can_view_training_reports(viewer: Viewer) -> bool:
    """Progress per learner and cohort, certified people, expiries, stuck learners, CSV exports."""
    return is_coordinator(viewer)


def can_open_manage_area(viewer: Viewer) -> bool:
    return can_view_training_reports(viewer) or is_trainer(viewer)


def can_manage_programmes(viewer: Viewer) -> bool:
    """Create programmes; edit any programme and its steps."""
    return is_training_coordinator(viewer)


def can_edit_programme(viewer: Viewer, programme: Programme) -> bool:
    return is_training_coordinator(viewer)


def can_view_programme(viewer: Viewer, programme: Programme) -> bool:
    """Published programmes for every signed-in employee; drafts for training coordinators and for
    the trainers of its sessions."""
    if not viewer.is_authenticated:
        return False
    if programme.published or is_training_coordinator(viewer):
        return True
    return programme.pk in trainer_map(viewer).programme_ids


def visible_programmes(viewer: Viewer, qs: QuerySet[Programme]) -> QuerySet[Programme]:
    if not viewer.is_authenticated:
        return qs.none()
    if is_training_coordinator(viewer):
        return qs
    return qs.filter(Q(published=True) | Q(pk__in=trainer_map(viewer).programme_ids))


def can_enrol_programme(viewer: Viewer, programme: Programme) -> bool:
    return viewer.is_authenticated and programme.published


def can_view_enrolment(viewer: Viewer, enrolment: Enrolment) -> bool:
    """The learner, coordinators (scoped ones included) and the programme's trainers."""
    if not viewer.is_authenticated:
        return False
    if enrolment.user_id == viewer.user_id or can_view_training_reports(viewer):
        return True
    return enrolment.programme_id in trainer_map(viewer).programme_ids


def visible_enrolments(viewer: Viewer, qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    if not viewer.is_authenticated:
        return qs.none()
    if can_view_training_reports(viewer):
        return qs
    return qs.filter(Q(user_id=viewer.user_id) | Q(programme_id__in=trainer_map(viewer).programme_ids))


def can_review_exercise(viewer: Viewer, progress: StepProgress, programme_id: int) -> bool:
    """Accept a submitted exercise: training coordinators and the programme's trainers, never the
    learner themself."""
    if not viewer.is_authenticated or progress.enrolment.user_id == viewer.user_id:
        return False
    return is_training_coordinator(viewer) or programme_id in trainer_map(viewer).programme_ids


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


def can_view_session_bookings(viewer: Viewer, session: Session) -> bool:
    return can_manage_session(viewer, session) or can_view_training_reports(viewer)


def can_mark_attendance(viewer: Viewer, session: Session) -> bool:
    return can_manage_session(viewer, session) and not session.is_cancelled


def can_cancel_session(viewer: Viewer, session: Session) -> bool:
    return is_training_coordinator(viewer) and not session.is_cancelled


def can_book_session(viewer: Viewer, session: Session) -> bool:
    """Book a seat (or a waitlist place): published programme, not cancelled, not begun."""
    from django.utils import timezone

    if not viewer.is_authenticated or session.is_cancelled:
        return False
    return session.programme.published and session.starts_at > timezone.now()


def can_cancel_booking(viewer: Viewer, booking: SessionBooking) -> bool:
    """The booker themself, before the session starts."""
    from django.utils import timezone

    return (
        viewer.is_authenticated
        and booking.user_id == viewer.user_id
        and booking.status != SessionBooking.Status.CANCELLED
        and booking.session.starts_at > timezone.now()
    )


def can_view_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    """Verification is open to every signed-in employee (the point of a verification code)."""
    return viewer.is_authenticated


def visible_certificates(viewer: Viewer, qs: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return qs if viewer.is_authenticated else qs.none()


def can_print_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    return viewer.is_authenticated and (certificate.user_id == viewer.user_id or can_view_training_reports(viewer))


def can_revoke_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    return is_training_coordinator(viewer) and certificate.revoked_at is None


# Exams, levels and circles ---------------------------------------------------------------
# The rules live in permissions_exams.py, permissions_levels.py and permissions_circles.py; the
# contract name other apps use is re-exported here.

from .permissions_levels import has_level_right  # noqa: E402, F401
