"""Reads of programmes, steps and enrolments: one selector per screen.

Access selectors fetch through the ``visible_*`` twins and raise ``Http404`` for missing and
forbidden alike. Every selector fixes its query shape; the tests pin the counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer
from training.certificates.models import Certificate
from training.sessions.models import Session, SessionBooking

from .models import Enrolment, Programme, Step, StepProgress
from .permissions import can_review_exercise, can_view_programme, visible_programmes


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
    qs = visible_programmes(viewer, Programme.objects.all()).annotate(
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
    programme = visible_programmes(viewer, Programme.objects.all()).filter(pk=programme_id).first()
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
    if step is None or not can_view_programme(viewer, step.programme):
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


# Coordinator screens ------------------------------------------------------------------------------


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
    rows = (
        Enrolment.objects.filter(programme=programme)
        .values("cohort")
        .annotate(
            learners=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)), avg=Avg("steps_done")
        )
        .order_by("-cohort")
    )
    return [CohortRow(r["cohort"], r["learners"], r["completed"], float(r["avg"] or 0)) for r in rows]


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


def programme_steps_and_sessions(programme: Programme) -> tuple[list[Step], list[Session]]:
    """The programme's steps in order and its 20 latest sessions (two queries)."""
    steps = list(programme.steps.order_by("position", "id"))
    sessions = list(programme.sessions.order_by("-starts_at", "-id")[:20])
    return steps, sessions


def enrolments_for_export(programme: Programme) -> tuple[int, Iterator[Enrolment]]:
    """The programme's step count and its enrolments (with the learner) in enrolment order,
    streamed in chunks for the CSV export."""
    total = programme.steps.count()
    rows = (
        Enrolment.objects.filter(programme=programme)
        .select_related("user")
        .order_by("enrolled_at", "id")
        .iterator(chunk_size=500)
    )
    return total, rows


def enrolment_get_for_cohort(programme_id: int, enrolment_id: int) -> Enrolment:
    return get_object_or_404(Enrolment, pk=enrolment_id, programme_id=programme_id)


def step_get_for_edit(programme: Programme, step_id: int) -> Step:
    return get_object_or_404(Step, pk=step_id, programme=programme)


def exercise_get_for_review(viewer: Viewer, progress_id: int) -> StepProgress:
    """A submitted exercise the viewer may review; 404 for missing and forbidden alike."""
    progress = StepProgress.objects.select_related("enrolment", "step").filter(pk=progress_id).first()
    if progress is None or not can_review_exercise(viewer, progress, progress.step.programme_id):
        raise Http404
    return progress
