"""Authoring of question banks, topics, questions and exams: one transaction and exactly one audit
row per create, edit or delete.

The services take plain data (the views validate their forms and pass the cleaned values), so a
script or an API can author banks and exams under the same rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.db import transaction

from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer

from ..models import AttemptAnswer, Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from ..permissions import can_author_banks, can_create_exam, can_edit_exam

BANK_FIELDS = ("title", "description")
QUESTION_FIELDS = ("kind", "text", "points", "model_answer", "is_active")
EXAM_FIELDS = (
    "title",
    "description",
    "step",
    "time_limit_minutes",
    "pass_mark_percent",
    "max_attempts",
    "wait_hours",
    "is_published",
)


class ChoiceData(TypedDict):
    """One answer choice: ``id`` of an existing choice of the question (``None``: a new one);
    ``delete`` removes an existing one."""

    id: int | None
    text: str
    is_correct: bool
    position: int
    delete: bool


class RuleData(TypedDict):
    """One draw rule: ``id`` of an existing rule of the exam (``None``: a new one)."""

    id: int | None
    topic_id: int
    count: int
    delete: bool


def _bank_state(bank: QuestionBank) -> dict[str, Any]:
    return {"title": bank.title, "description": bank.description}


def _question_state(question: Question) -> dict[str, Any]:
    return {
        "topic": question.topic_id,
        "kind": question.kind,
        "text": question.text,
        "points": question.points,
        "model_answer": question.model_answer,
        "is_active": question.is_active,
        "choices": [
            {"id": c.pk, "text": c.text, "correct": c.is_correct, "position": c.position}
            for c in question.choices.all()
        ],
    }


def _exam_state(exam: Exam) -> dict[str, Any]:
    return {
        "title": exam.title,
        "step": exam.step_id,
        "time_limit_minutes": exam.time_limit_minutes,
        "pass_mark_percent": exam.pass_mark_percent,
        "max_attempts": exam.max_attempts,
        "wait_hours": exam.wait_hours,
        "is_published": exam.is_published,
        "rules": sorted([r.topic_id, r.count] for r in exam.rules.all()),
    }


def _assign(obj: Any, fields: Sequence[str], data: Mapping[str, Any]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


@idempotent("exams.bank_create", replay=lambda pk: QuestionBank.objects.get(pk=pk), actor_arg="viewer")
def bank_save(
    *,
    viewer: Viewer,
    data: Mapping[str, Any],
    bank: QuestionBank | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> QuestionBank:
    """Create (``bank=None``) or edit a question bank (exam administrators). With
    ``idempotency_key`` (the create form's), sending the same form again returns the bank it made."""
    require(can_author_banks(viewer))
    creating = bank is None
    if bank is None:
        bank = QuestionBank()
        before = None
    else:
        before = _bank_state(QuestionBank.objects.get(pk=bank.pk))
    _assign(bank, BANK_FIELDS, data)
    bank.save()
    audit_log(
        actor=viewer.user,
        action="training.bank_created" if creating else "training.bank_updated",
        target=bank,
        before=before,
        after=_bank_state(bank),
    )
    return bank


@idempotent("exams.topic_create", replay=lambda pk: Topic.objects.get(pk=pk), actor_arg="viewer")
def topic_save(
    *,
    viewer: Viewer,
    bank: QuestionBank,
    name: str,
    topic: Topic | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Topic:
    """Create (``topic=None``) or rename a topic of ``bank`` (exam administrators). With
    ``idempotency_key`` (the create form's), sending the same form again returns the topic it made."""
    require(can_author_banks(viewer))
    creating = topic is None
    if topic is None:
        topic = Topic(bank=bank)
        before = None
    else:
        before = {"name": Topic.objects.get(pk=topic.pk).name}
    topic.bank = bank
    topic.name = name
    topic.save()
    audit_log(
        actor=viewer.user,
        action="training.topic_created" if creating else "training.topic_updated",
        target=topic,
        before=before,
        after={"name": topic.name, "bank": bank.pk},
        scope=f"bank:{bank.pk}",
    )
    return topic


def _choices_save(question: Question, choices: Sequence[ChoiceData]) -> None:
    """Update the question's choices in place, so that answers of past attempts keep pointing at
    them (one statement per choice); ids of other questions' choices change nothing."""
    for item in choices:
        fields = {"text": item["text"], "is_correct": item["is_correct"], "position": item["position"]}
        if item["id"] is None:
            if not item["delete"]:
                Choice.objects.create(question=question, **fields)
        elif item["delete"]:
            Choice.objects.filter(pk=item["id"], question=question).delete()
        else:
            Choice.objects.filter(pk=item["id"], question=question).update(**fields)


@idempotent("exams.question_create", replay=lambda pk: Question.objects.get(pk=pk), actor_arg="viewer")
def question_save(
    *,
    viewer: Viewer,
    topic: Topic,
    data: Mapping[str, Any],
    choices: Sequence[ChoiceData],
    question: Question | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Question:
    """Create (``question=None``) or edit a question of ``topic`` and its answer choices (exam
    administrators). A free-text question keeps no choices. With ``idempotency_key`` (the create
    form's), sending the same form again returns the question it made."""
    require(can_author_banks(viewer))
    creating = question is None
    before = None
    if question is None:
        question = Question(topic=topic)
    else:
        before = _question_state(Question.objects.prefetch_related("choices").get(pk=question.pk))
    _assign(question, QUESTION_FIELDS, data)
    question.topic = topic
    question.save()
    if question.kind == Question.Kind.FREE_TEXT:
        question.choices.all().delete()
    else:
        _choices_save(question, choices)
    after = _question_state(Question.objects.prefetch_related("choices").get(pk=question.pk))
    audit_log(
        actor=viewer.user,
        action="training.question_created" if creating else "training.question_updated",
        target=question,
        before=before,
        after=after,
        scope=f"bank:{topic.bank_id}",
    )
    return question


def question_delete(*, viewer: Viewer, question: Question) -> bool:
    """Delete a question; one already drawn into an attempt is taken out of use instead (its
    attempts keep it). Returns whether it was deleted."""
    require(can_author_banks(viewer))
    with transaction.atomic():
        locked = Question.objects.select_for_update().prefetch_related("choices").get(pk=question.pk)
        before = _question_state(locked)
        used = AttemptAnswer.objects.filter(question_id=locked.pk).exists()
        if used:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
        audit_log(
            actor=viewer.user,
            action="training.question_retired" if used else "training.question_deleted",
            target=locked,
            before=before,
            after={"is_active": False} if used else None,
            scope=f"bank:{question.topic.bank_id}",
        )
        if not used:
            locked.delete()
    return not used


def _rules_save(exam: Exam, rules: Sequence[RuleData]) -> None:
    """Apply the draw rules (one statement each; ids of other exams' rules change nothing).
    Deletions go first: a kept rule may take the topic of a deleted one."""
    for item in rules:
        if item["delete"] and item["id"] is not None:
            ExamTopicRule.objects.filter(pk=item["id"], exam=exam).delete()
    for item in rules:
        if item["delete"]:
            continue
        if item["id"] is None:
            ExamTopicRule.objects.create(exam=exam, topic_id=item["topic_id"], count=item["count"])
        else:
            ExamTopicRule.objects.filter(pk=item["id"], exam=exam).update(
                topic_id=item["topic_id"], count=item["count"]
            )


@idempotent("exams.exam_create", replay=lambda pk: Exam.objects.get(pk=pk), actor_arg="viewer")
def exam_save(
    *,
    viewer: Viewer,
    data: Mapping[str, Any],
    rules: Sequence[RuleData],
    exam: Exam | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Exam:
    """Create (``exam=None``) or edit an exam's settings and its per-topic draw rules: exam
    administrators every exam, trainers the exams of programmes they train. With
    ``idempotency_key`` (the create form's), sending the same form again returns the exam it made."""
    creating = exam is None
    if exam is None:
        require(can_create_exam(viewer))
    else:
        require(can_edit_exam(viewer, Exam.objects.select_related("step").get(pk=exam.pk)))
    if exam is None:
        exam = Exam()
        before = None
    else:
        before = _exam_state(Exam.objects.get(pk=exam.pk))
    _assign(exam, EXAM_FIELDS, data)
    exam.save()
    _rules_save(exam, rules)
    audit_log(
        actor=viewer.user,
        action="training.exam_created" if creating else "training.exam_updated",
        target=exam,
        before=before,
        after=_exam_state(exam),
        scope=f"exam:{exam.pk}",
    )
    return exam
