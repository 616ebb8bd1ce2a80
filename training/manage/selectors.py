"""Reads of the coordinator and trainer area: the overview, a programme's screen (progress, cohorts,
exercises to review), certified people, expiries, stuck learners and the CSV exports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from intranet.core.pagination import Page, keyset_page
from intranet.core.switches import min_group_size, person_figures_allowed
from intranet.core.viewer import Viewer
from training.certificates.models import Certificate
from training.certificates.selectors import valid_certificates
from training.programmes.models import Enrolment, Programme, Step, StepProgress
from training.programmes.permissions import visible_programmes
from training.roles import can_view_training_reports, trainer_map
from training.sessions.models import Session


def manage_programmes(viewer: Viewer, *, cursor: str | None = None) -> Page[Programme]:
    """Programmes for the coordinator area with enrolment and certificate counts (one query)."""
    qs = visible_programmes(viewer, Programme.objects.all()).annotate(
        enrolment_count=Count("enrolments", distinct=True),
        step_count=Count("steps", distinct=True),
    )
    return keyset_page(qs, ordering=("title", "id"), cursor=cursor, page_size=50)


def manage_sessions(viewer: Viewer, *, cursor: str | None = None, past: bool = False) -> Page[Session]:
    """Sessions a trainer or coordinator manages: all for coordinators, their own for trainers."""
    qs = Session.objects.select_related("programme")
    if not can_view_training_reports(viewer):
        qs = qs.filter(pk__in=trainer_map(viewer).session_ids)
    now = timezone.now()
    if past:
        return keyset_page(qs.filter(starts_at__lt=now), ordering=("-starts_at", "-id"), cursor=cursor, page_size=50)
    return keyset_page(qs.filter(starts_at__gte=now), ordering=("starts_at", "id"), cursor=cursor, page_size=50)


def certified_people(*, programme_id: int | None = None, cursor: str | None = None) -> Page[Certificate]:
    """Current valid certificates, newest first (one query)."""
    qs = valid_certificates().select_related("user", "programme")
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
    if not person_figures_allowed():
        qs = qs.none()  # who is stuck is a figure about named people: off by the works council
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return keyset_page(qs, ordering=("last_progress_at", "id"), cursor=cursor, page_size=50)


def certified_for_export() -> Iterator[Certificate]:
    """Every current valid certificate (holder and programme loaded), newest first, streamed in
    chunks for the CSV export."""
    return (
        valid_certificates().select_related("user", "programme").order_by("-issued_at", "-id").iterator(chunk_size=500)
    )


# The programme screen --------------------------------------------------------------------------


def programme_progress(programme: Programme, *, cohort: str = "", cursor: str | None = None) -> Page[Enrolment]:
    """Learners of a programme with their progress, newest enrolment first (one query); none when
    per-person figures are switched off (``PRIVACY_PERSON_FIGURES``)."""
    qs = Enrolment.objects.filter(programme=programme).select_related("user")
    if not person_figures_allowed():
        qs = qs.none()
    if cohort:
        qs = qs.filter(cohort=cohort)
    return keyset_page(qs, ordering=("-enrolled_at", "-id"), cursor=cursor, page_size=50)


@dataclass
class CohortRow:
    cohort: str
    #: Below the works-council minimum group size the count shows as "< N" and the figures about
    #: the few people in it (completed, average steps) are left out (``None``).
    learners: int | str
    completed: int | None
    avg_steps: float | None


def programme_cohorts(programme: Programme) -> list[CohortRow]:
    """Per cohort: learners, completed, average steps done (one aggregate query); cohorts smaller
    than ``PRIVACY_MIN_GROUP_SIZE`` show no figures about their people."""
    rows = (
        Enrolment.objects.filter(programme=programme)
        .values("cohort")
        .annotate(
            learners=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False)), avg=Avg("steps_done")
        )
        .order_by("-cohort")
    )
    limit = min_group_size()
    return [
        CohortRow(r["cohort"], r["learners"], r["completed"], float(r["avg"] or 0))
        if r["learners"] >= limit
        else CohortRow(r["cohort"], f"< {limit}", None, None)
        for r in rows
    ]


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
    learners = Enrolment.objects.filter(programme=programme)
    if not person_figures_allowed():
        learners = learners.none()  # the CSV holds one person's progress per row
    rows = learners.select_related("user").order_by("enrolled_at", "id").iterator(chunk_size=500)
    return total, rows


def enrolment_get_for_cohort(programme_id: int, enrolment_id: int) -> Enrolment:
    return get_object_or_404(Enrolment, pk=enrolment_id, programme_id=programme_id)
