"""Reads of exams for the screens: exam list, exam page, the attempt form, the review, grading.

The attempt form receives plain dataclasses with question text and choice labels only: correctness,
model answers and other learners' data never reach the template before submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from intranet.core.pagination import Page, keyset_page
from intranet.core.permissions import require_visible
from intranet.core.viewer import Viewer

from .models import Attempt, AttemptAnswer, Choice, Exam, ExamTopicRule, Question, QuestionBank, Topic
from .permissions import (
    can_edit_exam,
    can_review_attempt,
    can_view_attempt,
    can_view_exam,
    editable_exams,
    visible_attempts,
    visible_exams,
)
from .services.attempts import StartCheck, attempt_start_check

# Exam list and page -----------------------------------------------------------------------------


def exam_list_for_viewer(viewer: Viewer, *, cursor: str | None = None, page_size: int = 20) -> Page[Exam]:
    """Published exams (all exams for exam admins), newest first, with the number of drawn questions
    and the viewer's passes annotated; one query per page."""
    drawn = (
        ExamTopicRule.objects.filter(exam=OuterRef("pk")).values("exam").annotate(total=Sum("count")).values("total")
    )
    mine = Attempt.objects.filter(exam=OuterRef("pk"), user_id=viewer.user_id or 0)
    qs = visible_exams(viewer).annotate(
        drawn=Subquery(drawn),
        passed_by_me=Exists(mine.filter(state=Attempt.State.PASSED)),
        attempts_by_me=Subquery(mine.values("exam").annotate(n=Count("id")).values("n")),
    )
    return keyset_page(qs, ordering=("-created_at", "-id"), cursor=cursor, page_size=page_size)


def exam_get_for_viewer(viewer: Viewer, exam_id: int) -> Exam:
    exam = Exam.objects.select_related("step__programme").filter(pk=exam_id).first()
    require_visible(exam is not None and can_view_exam(viewer, exam))
    assert exam is not None
    return exam


@dataclass
class ExamPage:
    exam: Exam
    question_count: int
    attempts: list[Attempt]
    check: StartCheck


def exam_page_for_viewer(viewer: Viewer, exam_id: int) -> ExamPage:
    """The exam with the viewer's attempts and whether they may start one now (three queries)."""
    exam = exam_get_for_viewer(viewer, exam_id)
    question_count = sum(exam.rules.values_list("count", flat=True))
    attempts = list(Attempt.objects.filter(exam=exam, user_id=viewer.user_id or 0).order_by("-number"))
    return ExamPage(
        exam=exam,
        question_count=question_count,
        attempts=attempts,
        check=attempt_start_check(exam=exam, attempts=attempts),
    )


# Attempt form ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceView:
    id: int
    text: str
    selected: bool


@dataclass
class QuestionView:
    """What the learner sees of one question while answering: no correctness, no model answer."""

    answer_id: int
    position: int
    kind: str
    text: str
    points: int
    choices: list[ChoiceView] = field(default_factory=list)
    text_answer: str = ""


def attempt_get_for_viewer(viewer: Viewer, attempt_id: int) -> Attempt:
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id).first()
    require_visible(attempt is not None and can_view_attempt(viewer, attempt))
    assert attempt is not None
    return attempt


def attempt_form_questions(attempt: Attempt) -> list[QuestionView]:
    """The frozen questions of an open attempt with the learner's saved answers (two queries)."""
    answers = list(
        AttemptAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related(
            Prefetch(
                "question__choices",
                queryset=Choice.objects.only("id", "text", "question_id", "position").order_by("position", "id"),
                to_attr="choice_list",
            )
        )
        .order_by("position")
    )
    views = []
    for row in answers:
        question = row.question
        selected = set(row.selected_choice_ids)
        views.append(
            QuestionView(
                answer_id=row.pk,
                position=row.position,
                kind=question.kind,
                text=question.text,
                points=question.points,
                choices=[ChoiceView(id=c.pk, text=c.text, selected=c.pk in selected) for c in question.choice_list],  # type: ignore[attr-defined]
                text_answer=row.text,
            )
        )
    return views


# Review -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewChoice:
    text: str
    selected: bool
    correct: bool


@dataclass
class ReviewRow:
    position: int
    kind: str
    text: str
    points: int
    points_awarded: float | None
    choices: list[ReviewChoice]
    text_answer: str
    model_answer: str
    feedback: str


def attempt_review(viewer: Viewer, attempt_id: int) -> tuple[Attempt, list[ReviewRow]]:
    """A submitted attempt with answers, correct answers and trainer feedback (three queries)."""
    attempt = Attempt.objects.select_related("exam", "user").filter(pk=attempt_id).first()
    require_visible(attempt is not None and can_review_attempt(viewer, attempt))
    assert attempt is not None
    rows = []
    for row in (
        AttemptAnswer.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position", "id"), to_attr="choice_list")
        )
        .order_by("position")
    ):
        question = row.question
        selected = set(row.selected_choice_ids)
        rows.append(
            ReviewRow(
                position=row.position,
                kind=question.kind,
                text=question.text,
                points=question.points,
                points_awarded=row.points_awarded,
                choices=[
                    ReviewChoice(text=c.text, selected=c.pk in selected, correct=c.is_correct)
                    for c in question.choice_list  # type: ignore[attr-defined]
                ],
                text_answer=row.text,
                model_answer=question.model_answer,
                feedback=row.feedback,
            )
        )
    return attempt, rows


# Grading ------------------------------------------------------------------------------------------


def grading_queue(viewer: Viewer, *, cursor: str | None = None, page_size: int = 20) -> Page[AttemptAnswer]:
    """Free-text answers waiting for a trainer, oldest submission first; the viewer's own attempts
    are left out. One query per page."""
    attempts: QuerySet[Attempt] = (
        visible_attempts(viewer).filter(state=Attempt.State.GRADING).exclude(user_id=viewer.user_id or 0)
    )
    qs = AttemptAnswer.objects.filter(
        attempt__in=attempts, points_awarded__isnull=True, question__kind=Question.Kind.FREE_TEXT
    ).select_related("attempt__exam", "attempt__user", "question")
    return keyset_page(qs, ordering=("attempt__submitted_at", "id"), cursor=cursor, page_size=page_size)


def answer_get_for_grading(viewer: Viewer, answer_id: int) -> AttemptAnswer:
    answer = (
        AttemptAnswer.objects.select_related("attempt__exam", "attempt__user", "question").filter(pk=answer_id).first()
    )
    require_visible(
        answer is not None and can_view_attempt(viewer, answer.attempt) and answer.attempt.user_id != viewer.user_id
    )
    assert answer is not None
    return answer


# Authoring ----------------------------------------------------------------------------------------
# The views check ``can_author_banks`` / ``can_open_exam_authoring`` before calling these.


def bank_list_for_authoring() -> QuerySet[QuestionBank]:
    """Question banks with their topic and active-question counts (one query)."""
    return QuestionBank.objects.annotate(
        topic_count=Count("topics", distinct=True),
        question_count=Count("topics__questions", filter=Q(topics__questions__is_active=True), distinct=True),
    ).order_by("title", "id")


def bank_get(bank_id: int) -> QuestionBank:
    return get_object_or_404(QuestionBank, pk=bank_id)


def bank_topics_for_authoring(bank: QuestionBank) -> QuerySet[Topic]:
    """The bank's topics with every question (choices counted, not loaded): two queries."""
    questions = Question.objects.annotate(
        choice_count=Count("choices"), correct_count=Count("choices", filter=Q(choices__is_correct=True))
    ).order_by("-is_active", "id")
    return Topic.objects.filter(bank=bank).prefetch_related(Prefetch("questions", queryset=questions))


def topic_get(topic_id: int, *, bank: QuestionBank | None = None) -> Topic:
    """A topic (with its bank), optionally of ``bank``; 404 otherwise."""
    qs = Topic.objects.select_related("bank")
    if bank is not None:
        qs = qs.filter(bank=bank)
    return get_object_or_404(qs, pk=topic_id)


def question_get(question_id: int, *, topic: Topic | None = None) -> Question:
    """A question (with its topic), optionally of ``topic``; 404 otherwise."""
    qs = Question.objects.select_related("topic")
    if topic is not None:
        qs = qs.filter(topic=topic)
    found = qs.filter(pk=question_id).first()
    if found is None:
        raise Http404
    return found


def exam_list_for_authoring(viewer: Viewer) -> QuerySet[Exam]:
    """Exams the viewer may edit, with rule and attempt counts (one query)."""
    return (
        editable_exams(viewer)
        .select_related("step__programme")
        .annotate(rule_count=Count("rules", distinct=True), attempt_count=Count("attempts", distinct=True))
        .order_by("title", "id")
    )


def exam_get_for_authoring(viewer: Viewer, exam_id: int) -> Exam:
    """An exam the viewer may edit; 404 for missing and forbidden alike."""
    found = Exam.objects.select_related("step").filter(pk=exam_id).first()
    if found is None or not can_edit_exam(viewer, found):
        raise Http404
    return found
