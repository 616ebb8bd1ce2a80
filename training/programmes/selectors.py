"""Reads of programmes, steps and enrolments for the programme screens.

Access selectors fetch through the ``visible_*`` twins and raise ``Http404`` for missing and
forbidden alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from intranet.core.viewer import Viewer

from .models import Enrolment, Programme, Step, StepProgress
from .permissions import can_review_exercise, can_view_programme, visible_programmes


def programme_get_for_viewer(viewer: Viewer, programme_id: int) -> Programme:
    programme = visible_programmes(viewer, Programme.objects.all()).filter(pk=programme_id).first()
    if programme is None:
        raise Http404
    return programme


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


def step_get_for_edit(programme: Programme, step_id: int) -> Step:
    return get_object_or_404(Step, pk=step_id, programme=programme)


def exercise_get_for_review(viewer: Viewer, progress_id: int) -> StepProgress:
    """A submitted exercise the viewer may review; 404 for missing and forbidden alike."""
    progress = StepProgress.objects.select_related("enrolment", "step").filter(pk=progress_id).first()
    if progress is None or not can_review_exercise(viewer, progress, progress.step.programme_id):
        raise Http404
    return progress
