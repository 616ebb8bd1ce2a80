"""Builders for the exam, level and circle tests: plain data set-up through models and services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Permission

from communities.models import CoordinatorScope
from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from tests.communities.factories import CommunityFactory
from tests.factories import UserFactory
from training.circles.services import circle_plan_create
from training.models import (
    Attempt,
    AttemptAnswer,
    Choice,
    CirclePlan,
    Exam,
    ExamTopicRule,
    Question,
    QuestionBank,
    Step,
    Topic,
)


def make_exam(
    *,
    single: int = 2,
    multiple: int = 0,
    free_text: int = 0,
    step: Step | None = None,
    **fields: Any,
) -> Exam:
    """An exam drawing every question of one topic: ``single`` single-choice questions (choice
    "Right N" correct, "Wrong N" not), ``multiple`` multiple-choice ones ("Right A/B N" correct) and
    ``free_text`` questions with a model answer; each worth one point."""
    bank = QuestionBank.objects.create(title="Community basics")
    topic = Topic.objects.create(bank=bank, name="Moderation")
    for i in range(single):
        q = Question.objects.create(topic=topic, kind=Question.Kind.SINGLE, text=f"Single question {i}")
        Choice.objects.create(question=q, text=f"Wrong {i}", is_correct=False, position=1)
        Choice.objects.create(question=q, text=f"Right {i}", is_correct=True, position=2)
    for i in range(multiple):
        q = Question.objects.create(topic=topic, kind=Question.Kind.MULTIPLE, text=f"Multiple question {i}")
        Choice.objects.create(question=q, text=f"Right A {i}", is_correct=True, position=1)
        Choice.objects.create(question=q, text=f"Wrong M {i}", is_correct=False, position=2)
        Choice.objects.create(question=q, text=f"Right B {i}", is_correct=True, position=3)
    for i in range(free_text):
        Question.objects.create(
            topic=topic,
            kind=Question.Kind.FREE_TEXT,
            text=f"Free question {i}",
            model_answer=f"SECRET MODEL ANSWER {i}",
        )
    fields.setdefault("title", "Community management exam")
    exam = Exam.objects.create(step=step, **fields)
    ExamTopicRule.objects.create(exam=exam, topic=topic, count=single + multiple + free_text)
    return exam


def correct_answers(attempt: Attempt, *, wrong: int = 0, text: str = "A thoughtful answer") -> dict[int, Any]:
    """Answers for every question of ``attempt``: correct ones, except the first ``wrong`` choice
    questions, which get a wrong choice."""
    answers: dict[int, Any] = {}
    wrong_left = wrong
    for row in AttemptAnswer.objects.filter(attempt=attempt).select_related("question").order_by("position"):
        question = row.question
        if question.is_free_text:
            answers[row.pk] = text
            continue
        choices = list(question.choices.all())
        if wrong_left:
            answers[row.pk] = [c.pk for c in choices if not c.is_correct][:1]
            wrong_left -= 1
        else:
            answers[row.pk] = [c.pk for c in choices if c.is_correct]
    return answers


def make_grader() -> User:
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="grade_exam", content_type__app_label="training"))
    return User.objects.get(pk=user.pk)


def make_plan(weeks: int = 3) -> CirclePlan:
    return circle_plan_create(
        title="Working Out Loud",
        description="A 12-week programme.",
        weeks=[(f"Week {n} title", f"Agenda of **week {n}**", f"Kata {n}: do something") for n in range(1, weeks + 1)],
    )


#: Viewer kinds of the exam, level and circle permission matrices.
QUALIFICATION_ROLES = ["anonymous", "learner", "other_user", "trainer", "scoped_coordinator", "coordinator"]


def person_in_role(role: str, learner: User) -> Viewer:
    """A viewer of ``role``; ``learner`` is the person whose attempt, application or circle it is."""
    if role == "anonymous":
        return Viewer(AnonymousUser())
    if role == "learner":
        return Viewer(User.objects.get(pk=learner.pk))
    user = UserFactory.create(is_staff=role == "coordinator")
    if role == "trainer":
        user.user_permissions.add(Permission.objects.get(codename="grade_exam", content_type__app_label="training"))
    if role == "scoped_coordinator":
        user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
        scope = CoordinatorScope.objects.create(user=user, all_communities=False)
        scope.communities.add(CommunityFactory.create())
    return Viewer(User.objects.get(pk=user.pk))
