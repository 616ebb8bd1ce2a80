"""Hooks other parts of the training app call into the programme core (contract with t2)."""

from __future__ import annotations

from django.db import transaction

from .models import Enrolment, Step, StepProgress


def step_complete_for_exam(*, user_id: int, exam_step_id: int) -> StepProgress | None:
    """Record that ``user_id`` passed the exam of step ``exam_step_id``; idempotent.

    Called by the exam services when an attempt passes (inside their transaction or after it).
    Enrols the learner if needed, marks the step done and issues the certificate when every
    required step is done. Returns ``None`` for a step that is missing or is no exam step.
    """
    from .services_programmes import _enrol, _mark_done

    step = Step.objects.select_related("programme").filter(pk=exam_step_id, kind=Step.Kind.EXAM).first()
    if step is None:
        return None
    with transaction.atomic():
        enrolment: Enrolment = _enrol(user_id=user_id, programme=step.programme)
        return _mark_done(enrolment=enrolment, step=step)
