"""Reads of the learner's screens that bring the features together: the training page (catalogue,
my enrolments, seats and certificates) and a programme's page (steps with my progress, upcoming
sessions with my bookings, my certificate). Every selector fixes its query shape; the tests pin
the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer
from training.certificates.models import Certificate
from training.programmes.models import Enrolment, Programme, Step, StepProgress
from training.programmes.permissions import visible_programmes
from training.programmes.selectors import programme_get_for_viewer
from training.sessions.models import Session, SessionBooking


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
