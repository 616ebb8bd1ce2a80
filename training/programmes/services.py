"""Writes on programmes, steps, enrolments and step progress.

Every service takes ``actor`` (a :class:`Viewer`), checks its predicate first, runs in one
transaction and writes the audit row of privileged actions inside it. Completing a step records
``programme_step.completed``, on which the certificates feature issues the certificate in the same
transaction once every required step is done.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.markdown import render_markdown
from intranet.core.permissions import require
from intranet.core.viewer import Viewer

from . import events
from . import permissions as perms
from .models import Enrolment, Programme, Step, StepProgress

PROGRAMME_FIELDS = ("title", "description", "audience", "level", "is_basic", "published", "validity_months")
STEP_FIELDS = ("title", "kind", "body", "page", "required", "position")


def _programme_snapshot(programme: Programme) -> dict[str, Any]:
    return {name: getattr(programme, name) for name in PROGRAMME_FIELDS}


@idempotent("training.programme_create", replay=lambda pk: Programme.objects.get(pk=pk))
def programme_create(*, actor: Viewer, data: dict[str, Any], idempotency_key: uuid.UUID | None = None) -> Programme:
    """Create a programme (training coordinators); audited as ``training.programme_create``. With
    ``idempotency_key`` (the form's), sending the same form again returns the programme it created."""
    require(perms.can_manage_programmes(actor))
    programme = Programme(created_by_id=actor.user_id)
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    programme.description_html = render_markdown(programme.description).html
    programme.full_clean()
    programme.save()
    audit_log(
        actor=actor.user, action="training.programme_create", target=programme, after=_programme_snapshot(programme)
    )
    return programme


def programme_update(*, actor: Viewer, programme: Programme, data: dict[str, Any]) -> Programme:
    """Edit a programme's fields; audited with before and after."""
    require(perms.can_edit_programme(actor, programme))
    with transaction.atomic():
        before = _programme_snapshot(programme)
        for name in PROGRAMME_FIELDS:
            if name in data:
                setattr(programme, name, data[name])
        programme.description_html = render_markdown(programme.description).html
        programme.full_clean()
        programme.save(update_fields=[*PROGRAMME_FIELDS, "description_html", "updated_at"])
        audit_log(
            actor=actor.user,
            action="training.programme_update",
            target=programme,
            before=before,
            after=_programme_snapshot(programme),
        )
    return programme


@idempotent("training.step_create", replay=lambda pk: Step.objects.get(pk=pk))
def step_save(
    *,
    actor: Viewer,
    programme: Programme,
    data: dict[str, Any],
    step: Step | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Step:
    """Create (``step=None``) or edit a step of ``programme``; new steps go last unless a position
    is given. Audited as ``training.step_save``. With ``idempotency_key`` (the create form's),
    sending the same form again returns the step it created."""
    require(perms.can_edit_programme(actor, programme))
    if step is not None and step.programme_id != programme.pk:
        raise ValidationError(_("This step belongs to another programme."))
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    creating = step is None
    if step is None:
        last = programme.steps.order_by("-position").values_list("position", flat=True).first()
        step = Step(programme=programme, position=(last or 0) + 1)
    for name in STEP_FIELDS:
        if name in data and not (name == "position" and data[name] is None):
            setattr(step, name, data[name])
    if step.kind == Step.Kind.READING and not step.body.strip() and step.page_id is None:
        raise ValidationError({"body": _("A reading needs a text or a training material page.")})
    step.body_html = render_markdown(step.body).html
    step.full_clean()
    step.save()
    audit_log(
        actor=actor.user,
        action="training.step_create" if creating else "training.step_update",
        target=step,
        after={"title": step.title, "kind": step.kind, "position": step.position, "required": step.required},
    )
    return step


def enrolment_create(*, actor: Viewer, programme: Programme, cohort: str = "") -> Enrolment:
    """Enrol the actor (idempotent: an existing enrolment is returned unchanged).

    The cohort defaults to the month of enrolment ("2026-11").
    """
    require(perms.can_enrol_programme(actor, programme))
    assert actor.user_id is not None
    return enrolment_ensure(user_id=actor.user_id, programme=programme, cohort=cohort)


def enrolment_ensure(*, user_id: int, programme: Programme, cohort: str = "") -> Enrolment:
    """Enrol ``user_id`` unless enrolled (no permission check: booking a session and passing an
    exam enrol the learner on the way)."""
    now = timezone.now()
    enrolment, _created = Enrolment.objects.get_or_create(
        user_id=user_id,
        programme=programme,
        defaults={"cohort": cohort or now.strftime("%Y-%m"), "enrolled_at": now, "last_progress_at": now},
    )
    return enrolment


def enrolment_set_cohort(*, actor: Viewer, enrolment: Enrolment, cohort: str) -> Enrolment:
    """Move an enrolment into a named cohort (training coordinators); audited."""
    require(perms.can_set_cohort(actor))
    with transaction.atomic():
        before = enrolment.cohort
        enrolment.cohort = cohort.strip()[:60]
        enrolment.save(update_fields=["cohort"])
        audit_log(
            actor=actor.user,
            action="training.enrolment_cohort",
            target=enrolment,
            before={"cohort": before},
            after={"cohort": enrolment.cohort},
        )
    return enrolment


def _mark_done(*, enrolment: Enrolment, step: Step, answer: str | None = None) -> StepProgress:
    """Record ``step`` done for ``enrolment`` (idempotent); keeps the stored counter and stamps the
    progress time, then records ``programme_step.completed`` (the certificate may follow). Call
    inside a transaction."""
    now = timezone.now()
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    progress, created = StepProgress.objects.get_or_create(
        enrolment=enrolment,
        step=step,
        defaults={
            "state": StepProgress.State.DONE,
            "completed_at": now,
            "answer": answer or "",
            "submitted_at": now if answer is not None else None,
        },
    )
    changed = created
    if not created:
        fields = []
        if answer is not None:
            progress.answer, progress.submitted_at = answer, now
            progress.accepted_at, progress.accepted_by = None, None
            fields += ["answer", "submitted_at", "accepted_at", "accepted_by"]
        if progress.state != StepProgress.State.DONE:
            progress.state, progress.completed_at = StepProgress.State.DONE, now
            fields += ["state", "completed_at"]
            changed = True
        if fields:
            progress.save(update_fields=fields)
    enrolment.last_progress_at = now
    update = ["last_progress_at"]
    if changed:
        enrolment.steps_done = StepProgress.objects.filter(enrolment=enrolment, state=StepProgress.State.DONE).count()
        update.append("steps_done")
    enrolment.save(update_fields=update)
    if changed:
        events.step_completed(enrolment, step)
    return progress


def _enrolment_for(actor: Viewer, step: Step) -> Enrolment:
    enrolment = Enrolment.objects.filter(user_id=actor.user_id or 0, programme_id=step.programme_id).first()
    if enrolment is None:
        raise ValidationError(_("Please enrol in the programme first."))
    return enrolment


def step_mark_done(*, actor: Viewer, step: Step) -> StepProgress:
    """A learner marks a reading done."""
    require(actor.is_authenticated and perms.can_view_programme(actor, step.programme))
    if step.kind != Step.Kind.READING:
        raise ValidationError(_("Only readings can be marked as done."))
    with transaction.atomic():
        return _mark_done(enrolment=_enrolment_for(actor, step), step=step)


def exercise_submit(*, actor: Viewer, step: Step, answer: str) -> StepProgress:
    """A learner submits (or replaces) the answer to an exercise; submitting completes the step,
    a trainer's acceptance is a separate stamp that the coordinator reports show."""
    require(actor.is_authenticated and perms.can_view_programme(actor, step.programme))
    if step.kind != Step.Kind.EXERCISE:
        raise ValidationError(_("This step is no exercise."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Please write an answer.")})
    if len(answer) > 10000:
        raise ValidationError({"answer": _("Please keep the answer under 10,000 characters.")})
    with transaction.atomic():
        return _mark_done(enrolment=_enrolment_for(actor, step), step=step, answer=answer)


def exercise_accept(*, actor: Viewer, progress: StepProgress) -> StepProgress:
    """A trainer of the programme or a training coordinator accepts a submitted answer; audited."""
    require(perms.can_review_exercise(actor, progress, progress.step.programme_id))
    with transaction.atomic():
        progress.accepted_at, progress.accepted_by_id = timezone.now(), actor.user_id
        progress.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(actor=actor.user, action="training.exercise_accept", target=progress)
    return progress


def step_complete_for_session(*, user_id: int, session_step: Step) -> StepProgress:
    """Attendance marked present completes the session's step (the learner is enrolled on the way)."""
    enrolment = enrolment_ensure(user_id=user_id, programme=session_step.programme)
    return _mark_done(enrolment=enrolment, step=session_step)


def step_complete_for_exam(*, user_id: int, exam_step_id: int) -> StepProgress | None:
    """Record that ``user_id`` passed the exam of step ``exam_step_id``; idempotent.

    Called by the exam services when an attempt passes (inside their transaction). Enrols the
    learner if needed, marks the step done and issues the certificate when every required step is
    done. Returns ``None`` for a step that is missing or is no exam step.
    """
    step = Step.objects.select_related("programme").filter(pk=exam_step_id, kind=Step.Kind.EXAM).first()
    if step is None:
        return None
    with transaction.atomic():
        enrolment = enrolment_ensure(user_id=user_id, programme=step.programme)
        return _mark_done(enrolment=enrolment, step=step)
