"""Authoring of question banks, topics, questions and exams: one transaction and exactly one audit
row per create, edit or delete. The views validate with the forms of ``forms_authoring``; these
services save them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import Viewer

from .forms_authoring import BankForm, ExamForm, QuestionForm, TopicForm
from .models import AttemptAnswer, Exam, Question, QuestionBank, Topic
from .permissions_authoring import can_author_banks, can_create_exam, can_edit_exam


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


def bank_save(*, viewer: Viewer, form: BankForm) -> QuestionBank:
    require(can_author_banks(viewer))
    bank: QuestionBank = form.instance
    creating = bank.pk is None
    with transaction.atomic():
        before = None if creating else _bank_state(QuestionBank.objects.get(pk=bank.pk))
        bank = form.save()
        audit_log(
            actor=viewer.user,
            action="training.bank_created" if creating else "training.bank_updated",
            target=bank,
            before=before,
            after=_bank_state(bank),
        )
    return bank


def topic_save(*, viewer: Viewer, form: TopicForm, bank: QuestionBank) -> Topic:
    require(can_author_banks(viewer))
    topic: Topic = form.instance
    creating = topic.pk is None
    with transaction.atomic():
        before = None if creating else {"name": Topic.objects.get(pk=topic.pk).name}
        topic = form.save(commit=False)
        topic.bank = bank
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


def question_save(*, viewer: Viewer, form: QuestionForm, choices: Any, topic: Topic) -> Question:
    """Save a question and its answer choices (a valid ``ChoiceFormSet``); choices are updated in
    place so that answers of past attempts keep pointing at them."""
    require(can_author_banks(viewer))
    question: Question = form.instance
    creating = question.pk is None
    with transaction.atomic():
        before = None
        if not creating:
            before = _question_state(Question.objects.prefetch_related("choices").get(pk=question.pk))
        question = form.save(commit=False)
        question.topic = topic
        question.save()
        choices.instance = question
        if question.kind == Question.Kind.FREE_TEXT:
            question.choices.all().delete()
        else:
            choices.save()
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


def exam_save(*, viewer: Viewer, form: ExamForm, rules: Any) -> Exam:
    """Save an exam's settings and its draw rules (a valid ``RuleFormSet``)."""
    exam: Exam = form.instance
    creating = exam.pk is None
    if creating:
        require(can_create_exam(viewer))
    else:
        require(can_edit_exam(viewer, Exam.objects.select_related("step").get(pk=exam.pk)))
    with transaction.atomic():
        before = None if creating else _exam_state(Exam.objects.get(pk=exam.pk))
        exam = form.save()
        rules.instance = exam
        rules.save()
        audit_log(
            actor=viewer.user,
            action="training.exam_created" if creating else "training.exam_updated",
            target=exam,
            before=before,
            after=_exam_state(exam),
            scope=f"exam:{exam.pk}",
        )
    return exam
