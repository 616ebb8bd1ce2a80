"""Writes on exams: start an attempt, save answers, submit, close at the deadline, grade.

The deadline is the server's: answers that arrive after it are refused, and an attempt still open
past it is closed (with what was saved in time) by the next access or by the periodic job.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer
from training.programmes.services import step_complete_for_exam

from .. import events
from ..models import Attempt, AttemptAnswer, Choice, Exam, Question
from ..permissions import can_answer_attempt, can_grade_answer, can_take_exam

if TYPE_CHECKING:
    import datetime as dt

    from intranet.accounts.models import User


class ExamError(Exception):
    """A rule of the exam refuses the action; the message is shown to the person."""


class DeadlinePassed(ExamError):
    """The attempt's time is up: nothing more was saved, the attempt is closed."""


# Starting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartCheck:
    """Whether a person may start an attempt now, and if not, why (and from when)."""

    allowed: bool
    reason: str = ""
    open_attempt: Attempt | None = None
    available_at: dt.datetime | None = None
    attempts_used: int = 0


def attempt_start_check(*, exam: Exam, attempts: list[Attempt], now: dt.datetime | None = None) -> StartCheck:
    """Apply the attempt limit, the waiting period and "already passed" to the person's attempts.

    ``attempts`` are all of the person's attempts at ``exam`` (any order). No queries.
    """
    now = now or timezone.now()
    used = len(attempts)
    open_ones = [a for a in attempts if a.is_open and not a.is_past_deadline(now)]
    if open_ones:
        return StartCheck(
            allowed=False, reason=_("You have an attempt in progress."), open_attempt=open_ones[0], attempts_used=used
        )
    if any(a.state == Attempt.State.PASSED for a in attempts):
        return StartCheck(allowed=False, reason=_("You have passed this exam."), attempts_used=used)
    if any(a.state == Attempt.State.GRADING for a in attempts):
        return StartCheck(
            allowed=False, reason=_("Your last attempt is waiting for a trainer to grade it."), attempts_used=used
        )
    if used >= exam.max_attempts:
        return StartCheck(allowed=False, reason=_("You have used all attempts at this exam."), attempts_used=used)
    ends = [a.submitted_at or a.deadline for a in attempts]
    if ends:
        available_at = max(ends) + exam.wait
        if available_at > now:
            return StartCheck(
                allowed=False,
                reason=_("You can try again after the waiting period."),
                available_at=available_at,
                attempts_used=used,
            )
    return StartCheck(allowed=True, attempts_used=used)


def draw_questions(exam: Exam, seed: int) -> list[int]:
    """The question ids an attempt with ``seed`` gets: per topic rule (in rule order) a random sample
    of the topic's active questions. Deterministic for a given seed and question pool."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible draw, not a secret)
    drawn: list[int] = []
    rules = list(exam.rules.order_by("id").values_list("topic_id", "count"))
    pools: dict[int, list[int]] = {}
    for question_id, topic_id in (
        Question.objects.filter(topic_id__in=[t for t, _c in rules], is_active=True)
        .order_by("id")
        .values_list("id", "topic_id")
    ):
        pools.setdefault(topic_id, []).append(question_id)
    for topic_id, count in rules:
        pool = pools.get(topic_id, [])
        drawn.extend(rng.sample(pool, min(count, len(pool))))
    return drawn


def attempt_start(*, actor: Viewer | User, exam: Exam) -> Attempt:
    """Start a new attempt (or return the one in progress): draws and freezes the questions.

    Locks the exam row so one person's parallel starts cannot both pass the attempt limit.
    Raises :class:`ExamError` when the limit, the waiting period or a pass forbids a new attempt.
    """
    viewer = as_viewer(actor)
    require(can_take_exam(viewer, exam))
    user_id = viewer.user_id
    assert user_id is not None
    now = timezone.now()
    with transaction.atomic():
        Exam.objects.select_for_update().filter(pk=exam.pk).first()
        attempts = list(Attempt.objects.select_for_update().filter(exam=exam, user_id=user_id))
        for attempt in attempts:
            if attempt.is_open and attempt.is_past_deadline(now):
                _close(attempt, now=now, by_deadline=True)
        check = attempt_start_check(exam=exam, attempts=attempts, now=now)
        if check.open_attempt is not None:
            return check.open_attempt
        if not check.allowed:
            raise ExamError(check.reason)
        seed = secrets.randbits(62)
        question_ids = draw_questions(exam, seed)
        if not question_ids:
            raise ExamError(_("This exam has no questions yet."))
        points = dict(Question.objects.filter(pk__in=question_ids).values_list("id", "points"))
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    exam=exam,
                    user_id=user_id,
                    number=len(attempts) + 1,
                    seed=seed,
                    started_at=now,
                    deadline=now + exam.time_limit,
                    max_points=float(sum(points.values())),
                )
        except IntegrityError as exc:  # a parallel start won the race
            raise ExamError(_("You have an attempt in progress.")) from exc
        AttemptAnswer.objects.bulk_create(
            AttemptAnswer(attempt=attempt, question_id=qid, position=i) for i, qid in enumerate(question_ids, 1)
        )
    return attempt


# Answering --------------------------------------------------------------------------------------


def _lock_attempt(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)


def _apply_answers(attempt: Attempt, answers: Mapping[int, Any], now: dt.datetime) -> None:
    """Store ``answers`` ({answer id: list of choice ids, or text}) on the attempt's rows."""
    rows = list(AttemptAnswer.objects.filter(attempt=attempt).select_related("question"))
    choice_ids: dict[int, set[int]] = {}
    for choice_id, question_id in Choice.objects.filter(question_id__in=[r.question_id for r in rows]).values_list(
        "id", "question_id"
    ):
        choice_ids.setdefault(question_id, set()).add(choice_id)
    changed: list[AttemptAnswer] = []
    for row in rows:
        if row.pk not in answers:
            continue
        value = answers[row.pk]
        if row.question.is_free_text:
            row.text = str(value or "").strip()[:4000]
        else:
            picked = {int(v) for v in (value or [])} & choice_ids.get(row.question_id, set())
            if row.question.kind == row.question.Kind.SINGLE and len(picked) > 1:
                raise ExamError(_("Pick only one answer for single-choice questions."))
            row.selected_choice_ids = sorted(picked)
        row.answered_at = now
        changed.append(row)
    AttemptAnswer.objects.bulk_update(changed, ["text", "selected_choice_ids", "answered_at"])


def attempt_save_answers(*, actor: Viewer | User, attempt: Attempt, answers: Mapping[int, Any]) -> Attempt:
    """Save answers of an open attempt. After the deadline nothing is saved: the attempt is closed
    with what it had and :class:`DeadlinePassed` is raised (inside a committed transaction)."""
    return _answer(actor, attempt, answers, submit=False)


def attempt_submit(*, actor: Viewer | User, attempt: Attempt, answers: Mapping[int, Any] | None = None) -> Attempt:
    """Save the last answers and submit: grades choice questions, and completes the attempt unless
    free-text answers wait for a trainer. On a pass, the programme step is completed."""
    return _answer(actor, attempt, answers or {}, submit=True)


def _answer(actor: Viewer | User, attempt: Attempt, answers: Mapping[int, Any], *, submit: bool) -> Attempt:
    viewer = as_viewer(actor)
    if attempt.user_id != viewer.user_id:
        raise PermissionDenied
    now = timezone.now()
    expired = False
    with transaction.atomic():
        attempt = _lock_attempt(attempt)
        require(can_answer_attempt(viewer, attempt), _("This attempt is closed."))
        if attempt.is_past_deadline(now):
            _close(attempt, now=now, by_deadline=True)
            expired = True
        else:
            _apply_answers(attempt, answers, now)
            if submit:
                _close(attempt, now=now, by_deadline=False)
    if expired:
        raise DeadlinePassed(_("The time for this attempt is up. Answers sent after the deadline were not saved."))
    return attempt


def attempt_close_if_expired(*, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Close an open attempt whose deadline has passed (any access or the periodic job calls this)."""
    now = now or timezone.now()
    if not attempt.is_open or not attempt.is_past_deadline(now):
        return attempt
    with transaction.atomic():
        attempt = _lock_attempt(attempt)
        if attempt.is_open and attempt.is_past_deadline(now):
            _close(attempt, now=now, by_deadline=True)
    return attempt


def attempts_close_expired(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Close every open attempt past its deadline (periodic job); returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    ids = list(
        Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for attempt_id in ids:
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(skip_locked=True).select_related("exam").filter(pk=attempt_id).first()
            )
            if attempt is not None and attempt.is_open and attempt.is_past_deadline(now):
                _close(attempt, now=now, by_deadline=True)
                closed += 1
    return closed


# Grading ----------------------------------------------------------------------------------------


def _auto_grade(row: AttemptAnswer, correct: set[int]) -> float | None:
    """Points for a choice question (all or nothing: exactly the correct set), ``None`` for free text
    that needs a trainer; an empty free-text answer scores nothing without a trainer."""
    question = row.question
    if question.is_free_text:
        return None if row.text.strip() else 0.0
    return float(question.points) if set(row.selected_choice_ids) == correct else 0.0


def _close(attempt: Attempt, *, now: dt.datetime, by_deadline: bool) -> None:
    """Submit a locked, open attempt: auto-grade, then finish or wait for grading."""
    rows = list(AttemptAnswer.objects.filter(attempt=attempt).select_related("question"))
    correct: dict[int, set[int]] = {}
    for choice_id, question_id in Choice.objects.filter(
        question_id__in=[r.question_id for r in rows], is_correct=True
    ).values_list("id", "question_id"):
        correct.setdefault(question_id, set()).add(choice_id)
    for row in rows:
        row.points_awarded = _auto_grade(row, correct.get(row.question_id, set()))
    AttemptAnswer.objects.bulk_update(rows, ["points_awarded"])
    attempt.submitted_at = min(now, attempt.deadline) if by_deadline else now
    attempt.closed_by_deadline = by_deadline
    attempt.state = Attempt.State.GRADING
    attempt.save(update_fields=["submitted_at", "closed_by_deadline", "state"])
    if all(r.points_awarded is not None for r in rows):
        _finish(attempt, rows, now=now)


def _finish(attempt: Attempt, rows: list[AttemptAnswer], *, now: dt.datetime) -> None:
    """Score a fully graded attempt, decide pass or fail and, on a pass, complete the step."""
    points = sum(r.points_awarded or 0.0 for r in rows)
    attempt.points = points
    attempt.score_percent = round(100.0 * points / attempt.max_points, 1) if attempt.max_points else 0.0
    passed = attempt.score_percent >= attempt.exam.pass_mark_percent
    attempt.state = Attempt.State.PASSED if passed else Attempt.State.FAILED
    attempt.graded_at = now
    attempt.save(update_fields=["points", "score_percent", "state", "graded_at"])
    if passed and attempt.exam.step_id is not None:
        step_complete_for_exam(user_id=attempt.user_id, exam_step_id=attempt.exam.step_id)


def answer_grade(*, actor: Viewer | User, answer: AttemptAnswer, points: float, feedback: str = "") -> AttemptAnswer:
    """A trainer grades one free-text answer (0 .. the question's points) with optional feedback.

    Locks the attempt; when it was the last ungraded answer, the attempt is scored and, on a pass,
    the programme step completed. Writes one audit row.
    """
    viewer = as_viewer(actor)
    with transaction.atomic():
        attempt = _lock_attempt(answer.attempt)
        answer = AttemptAnswer.objects.select_related("question").select_for_update(of=("self",)).get(pk=answer.pk)
        require(can_grade_answer(viewer, answer, attempt))
        if not answer.question.is_free_text:
            raise ExamError(_("Only free-text answers are graded by hand."))
        if not 0 <= points <= answer.question.points:
            raise ExamError(_("Give between 0 and %(max)s points.") % {"max": answer.question.points})
        before = {"points": answer.points_awarded}
        now = timezone.now()
        answer.points_awarded = float(points)
        answer.feedback = feedback.strip()[:4000]
        answer.graded_by_id = viewer.user_id
        answer.graded_at = now
        answer.save(update_fields=["points_awarded", "feedback", "graded_by", "graded_at"])
        audit_log(
            actor=viewer.user,
            action="training.answer_graded",
            target=answer,
            before=before,
            after={"points": answer.points_awarded, "attempt": attempt.pk},
            scope=f"exam:{attempt.exam_id}",
        )
        rows = list(AttemptAnswer.objects.filter(attempt=attempt))
        if all(r.points_awarded is not None for r in rows):
            _finish(attempt, rows, now=now)
            events.attempt_graded(attempt)
    return answer
