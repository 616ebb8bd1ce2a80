"""Reads of the training core: one selector per screen, plus the contract for other apps.

Access selectors fetch through the ``visible_*`` twins and raise ``Http404`` for missing and
forbidden alike. Every selector fixes its query shape; the tests pin the counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

from . import permissions as perms
from .models import Certificate, Enrolment, Programme, Session, SessionBooking, Step, StepProgress

# Contract for other apps --------------------------------------------------------------------------


def _valid_certificates() -> QuerySet[Certificate]:
    now = timezone.now()
    return Certificate.objects.filter(revoked_at__isnull=True, superseded_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def certificates_for_users(user_ids: Iterable[int]) -> dict[int, list[Certificate]]:
    """Valid certificates (not revoked, not expired) per user, programme selected; one query.

    Users without one are missing from the map.
    """
    ids = list(set(user_ids))
    result: dict[int, list[Certificate]] = defaultdict(list)
    if not ids:
        return {}
    for cert in (
        _valid_certificates().filter(user_id__in=ids).select_related("programme").order_by("user_id", "issued_at", "id")
    ):
        result[cert.user_id].append(cert)
    return dict(result)


def valid_certificate_exists(user_id: int, programme_id: int) -> bool:
    """Whether the person holds a valid certificate for the programme (one query)."""
    return _valid_certificates().filter(user_id=user_id, programme_id=programme_id).exists()


# Catalogue -------------------------------------------------------------------------------------------


def _step_total() -> Subquery:
    return Subquery(
        Step.objects.filter(programme=OuterRef("programme_id"))
        .order_by()
        .values("programme")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    )


@dataclass
class Catalogue:
    programmes: Page[Any]
    enrolments: list[Any]
    bookings: list[SessionBooking]
    certificates: list[Certificate]


def catalogue_for_viewer(viewer: Viewer, *, cursor: str | None = None, page_size: int = 20) -> Catalogue:
    """The /training/ page: programmes (keyset by title), my enrolments with progress, my upcoming
    seats and waitlist places, my certificates. Four queries (plus the viewer's maps)."""
    qs = perms.visible_programmes(viewer, Programme.objects.all()).annotate(
        step_count=Coalesce(
            Subquery(
                Step.objects.filter(programme=OuterRef("pk"))
                .order_by()
                .values("programme")
                .annotate(n=Count("id"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    )
    programmes = keyset_page(qs, ordering=("title", "id"), cursor=cursor, page_size=page_size)
    enrolments = list(
        Enrolment.objects.filter(user_id=viewer.user_id or 0)
        .select_related("programme")
        .annotate(step_count=Coalesce(_step_total(), 0))
        .order_by("-last_progress_at", "-id")[:50]
    )
    bookings = list(
        SessionBooking.objects.filter(
            user_id=viewer.user_id or 0,
            status__in=[SessionBooking.Status.BOOKED, SessionBooking.Status.WAITLISTED],
            session__starts_at__gte=timezone.now() - timedelta(hours=3),
            session__cancelled_at__isnull=True,
        )
        .select_related("session__programme")
        .order_by("session__starts_at", "session_id")[:20]
    )
    certificates = list(
        Certificate.objects.filter(user_id=viewer.user_id or 0, superseded_at__isnull=True)
        .select_related("programme")
        .order_by("-issued_at", "-id")[:20]
    )
    return Catalogue(programmes=programmes, enrolments=enrolments, bookings=bookings, certificates=certificates)


def programme_get_for_viewer(viewer: Viewer, programme_id: int) -> Programme:
    programme = perms.visible_programmes(viewer, Programme.objects.all()).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


@dataclass
class StepRow:
    step: Step
    progress: StepProgress | None
    done: bool


@dataclass
class ProgrammeDetail:
    programme: Programme
    steps: list[StepRow]
    enrolment: Enrolment | None
    sessions: list[Session]
    my_bookings: dict[int, SessionBooking]
    certificate: Certificate | None
    exam_ids: dict[int, int] = field(default_factory=dict)


def programme_detail_for_viewer(viewer: Viewer, programme_id: int) -> ProgrammeDetail:
    """Programme with its steps and my progress, its upcoming sessions and my bookings there, my
    current certificate. Six queries."""
    programme = programme_get_for_viewer(viewer, programme_id)
    enrolment = Enrolment.objects.filter(user_id=viewer.user_id or 0, programme=programme).first()
    steps = list(programme.steps.select_related("page").order_by("position", "id"))
    progress: dict[int, StepProgress] = {}
    if enrolment is not None:
        progress = {p.step_id: p for p in StepProgress.objects.filter(enrolment=enrolment)}
    sessions = list(
        Session.objects.filter(programme=programme, starts_at__gte=timezone.now() - timedelta(hours=3)).order_by(
            "starts_at", "id"
        )[:20]
    )
    my_bookings = (
        {
            b.session_id: b
            for b in SessionBooking.objects.filter(user_id=viewer.user_id or 0, session__in=[s.pk for s in sessions])
        }
        if sessions
        else {}
    )
    certificate = (
        Certificate.objects.filter(user_id=viewer.user_id or 0, programme=programme, superseded_at__isnull=True)
        .order_by("-issued_at", "-id")
        .first()
    )
    rows = [
        StepRow(
            step=s,
            progress=progress.get(s.pk),
            done=progress.get(s.pk) is not None and progress[s.pk].state == StepProgress.State.DONE,
        )
        for s in steps
    ]
    return ProgrammeDetail(
        programme=programme,
        steps=rows,
        enrolment=enrolment,
        sessions=sessions,
        my_bookings=my_bookings,
        certificate=certificate,
    )


@dataclass
class StepDetail:
    step: Step
    programme: Programme
    enrolment: Enrolment | None
    progress: StepProgress | None
    previous_id: int | None
    next_id: int | None


def step_detail_for_viewer(viewer: Viewer, programme_id: int, step_id: int) -> StepDetail:
    """One step with my progress and the neighbours for navigation. Four queries."""
    step = Step.objects.select_related("programme", "page").filter(pk=step_id, programme_id=programme_id).first()
    if step is None or not perms.can_view_programme(viewer, step.programme):
        raise Http404
    enrolment = Enrolment.objects.filter(user_id=viewer.user_id or 0, programme_id=programme_id).first()
    progress = StepProgress.objects.filter(enrolment=enrolment, step=step).first() if enrolment else None
    order = list(Step.objects.filter(programme_id=programme_id).order_by("position", "id").values_list("pk", flat=True))
    index = order.index(step.pk)
    return StepDetail(
        step=step,
        programme=step.programme,
        enrolment=enrolment,
        progress=progress,
        previous_id=order[index - 1] if index > 0 else None,
        next_id=order[index + 1] if index + 1 < len(order) else None,
    )


# Sessions ----------------------------------------------------------------------------------------------


def session_get_for_viewer(viewer: Viewer, session_id: int, *, for_update: bool = False) -> Session:
    session = (
        perms.visible_sessions(viewer, Session.objects.select_related("programme", "step"))
        .filter(pk=session_id)
        .first()
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
    if perms.can_view_session_bookings(viewer, session):
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
    from .models import CalendarToken

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


# Certificates --------------------------------------------------------------------------------------------


def certificate_get_by_code(viewer: Viewer, code: str) -> Certificate:
    """The certificate with ``code`` (case-insensitive) for the verification page; 404 otherwise."""
    cert = (
        perms.visible_certificates(viewer, Certificate.objects.select_related("user", "programme", "revoked_by"))
        .filter(code=code.strip().upper())
        .first()
    )
    if cert is None:
        raise Http404
    return cert


# Coordinator reports -----------------------------------------------------------------------------------


def manage_programmes(viewer: Viewer, *, cursor: str | None = None) -> Page[Programme]:
    """Programmes for the coordinator area with enrolment and certificate counts (one query)."""
    qs = perms.visible_programmes(viewer, Programme.objects.all()).annotate(
        enrolment_count=Count("enrolments", distinct=True),
        step_count=Count("steps", distinct=True),
    )
    return keyset_page(qs, ordering=("title", "id"), cursor=cursor, page_size=50)


def manage_sessions(viewer: Viewer, *, cursor: str | None = None, past: bool = False) -> Page[Session]:
    """Sessions a trainer or coordinator manages: all for coordinators, their own for trainers."""
    qs = Session.objects.select_related("programme")
    if not perms.can_view_training_reports(viewer):
        qs = qs.filter(pk__in=perms.trainer_map(viewer).session_ids)
    now = timezone.now()
    if past:
        return keyset_page(qs.filter(starts_at__lt=now), ordering=("-starts_at", "-id"), cursor=cursor, page_size=50)
    return keyset_page(qs.filter(starts_at__gte=now), ordering=("starts_at", "id"), cursor=cursor, page_size=50)


def programme_progress(programme: Programme, *, cohort: str = "", cursor: str | None = None) -> Page[Enrolment]:
    """Learners of a programme with their progress, newest enrolment first (one query)."""
    qs = Enrolment.objects.filter(programme=programme).select_related("user")
    if cohort:
        qs = qs.filter(cohort=cohort)
    return keyset_page(qs, ordering=("-enrolled_at", "-id"), cursor=cursor, page_size=50)


@dataclass
class CohortRow:
    cohort: str
    learners: int
    completed: int
    avg_steps: float


def programme_cohorts(programme: Programme) -> list[CohortRow]:
    """Per cohort: learners, completed, average steps done (one aggregate query)."""
    from django.db.models import Avg

    rows = (
        Enrolment.objects.filter(programme=programme)
        .values("cohort")
        .annotate(
            learners=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)), avg=Avg("steps_done")
        )
        .order_by("-cohort")
    )
    return [CohortRow(r["cohort"], r["learners"], r["completed"], float(r["avg"] or 0)) for r in rows]


def certified_people(*, programme_id: int | None = None, cursor: str | None = None) -> Page[Certificate]:
    """Current valid certificates, newest first (one query)."""
    qs = _valid_certificates().select_related("user", "programme")
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return keyset_page(qs, ordering=("-issued_at", "-id"), cursor=cursor, page_size=50)


def certificates_expiring(
    *, days: int = 60, now: datetime | None = None, cursor: str | None = None
) -> Page[Certificate]:
    """Current certificates that expire within ``days``, soonest first (one query)."""
    moment = now or timezone.now()
    qs = Certificate.objects.filter(
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        expires_at__gt=moment,
        expires_at__lte=moment + timedelta(days=days),
    ).select_related("user", "programme")
    return keyset_page(qs, ordering=("expires_at", "id"), cursor=cursor, page_size=50)


def stuck_learners(*, days: int = 14, programme_id: int | None = None, cursor: str | None = None) -> Page[Enrolment]:
    """Unfinished enrolments without progress for ``days`` days, longest-stuck first, with the step
    they are on (the first required step not done) as ``current_step_title`` (one query)."""
    cutoff = timezone.now() - timedelta(days=days)
    next_step = (
        Step.objects.filter(programme=OuterRef("programme_id"))
        .exclude(
            pk__in=StepProgress.objects.filter(
                enrolment=OuterRef(OuterRef("pk")), state=StepProgress.State.DONE
            ).values("step_id")
        )
        .order_by("position", "id")
        .values("title")[:1]
    )
    qs = (
        Enrolment.objects.filter(completed_at__isnull=True, last_progress_at__lt=cutoff)
        .select_related("user", "programme")
        .annotate(current_step_title=Subquery(next_step))
    )
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return keyset_page(qs, ordering=("last_progress_at", "id"), cursor=cursor, page_size=50)


def exercises_to_review(viewer: Viewer, programme: Programme) -> list[StepProgress]:
    """Submitted, not yet accepted exercise answers of the programme, oldest first (one query)."""
    return list(
        StepProgress.objects.filter(
            step__programme=programme,
            step__kind=Step.Kind.EXERCISE,
            submitted_at__isnull=False,
            accepted_at__isnull=True,
        )
        .select_related("enrolment__user", "step")
        .order_by("submitted_at", "id")[:100]
    )
