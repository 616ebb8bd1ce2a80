"""Access rules of programmes, enrolments and exercise reviews (query-free predicates and twins).

The roles they build on (training coordinator, trainer, report reader) live in
:mod:`training.roles`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from intranet.core.viewer import Viewer
from training.roles import can_view_training_reports, is_training_coordinator, trainer_map

from .models import Enrolment, Programme, StepProgress


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


def can_set_cohort(viewer: Viewer) -> bool:
    """Move enrolments between cohorts: training coordinators."""
    return is_training_coordinator(viewer)


def can_review_exercise(viewer: Viewer, progress: StepProgress, programme_id: int) -> bool:
    """Accept a submitted exercise: training coordinators and the programme's trainers, never the
    learner themself."""
    if not viewer.is_authenticated or progress.enrolment.user_id == viewer.user_id:
        return False
    return is_training_coordinator(viewer) or programme_id in trainer_map(viewer).programme_ids
