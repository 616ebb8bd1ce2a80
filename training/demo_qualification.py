"""Demo data of exams and circles: the default circle plan (so "Start a circle" works) and, when no
exam exists yet, a small question bank with an exam. Idempotent.

Called from the training app's demo module (``training.demo.seed`` calls
``demo_qualification.seed(stdout=stdout)``), which ``manage.py seed_demo`` discovers.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .circle_plans import circle_plan_ensure_default
from .models import Choice, Exam, ExamTopicRule, Question, QuestionBank, Step, Topic

BANK_TITLE = "Community management basics"

QUESTIONS: dict[str, list[tuple[str, str, list[tuple[str, bool]]]]] = {
    "Moderation": [
        (
            Question.Kind.SINGLE,
            "A member posts a heated reply. What do you do first?",
            [("Delete the whole thread", False), ("Reply calmly and remind of the guidelines", True)],
        ),
        (
            Question.Kind.MULTIPLE,
            "Which actions are recorded in the audit log?",
            [("Removing a post", True), ("Banning a member", True), ("Reading a post", False)],
        ),
        (Question.Kind.FREE_TEXT, "Describe how you would welcome a new member.", []),
    ],
    "Community health": [
        (
            Question.Kind.SINGLE,
            "A community has had no activity for 90 days. Its state is…",
            [("Thriving", False), ("Dormant", True), ("Steady", False)],
        ),
        (
            Question.Kind.SINGLE,
            "Who should look after a community without an active manager?",
            [("The coordinators", True), ("Nobody", False)],
        ),
    ],
}


def seed(*, stdout: Any = None) -> None:
    with transaction.atomic():
        plan = circle_plan_ensure_default()
        if stdout is not None:
            stdout.write(f"Circle plan: {plan.title}")
        if Exam.objects.exists():
            return
        bank, _created = QuestionBank.objects.get_or_create(
            title=BANK_TITLE, defaults={"description": "Demo questions for the community manager exam."}
        )
        rules: list[tuple[Topic, int]] = []
        for name, questions in QUESTIONS.items():
            topic, _ = Topic.objects.get_or_create(bank=bank, name=name)
            if not topic.questions.exists():
                for kind, text, choices in questions:
                    question = Question.objects.create(
                        topic=topic,
                        kind=kind,
                        text=text,
                        model_answer="Greet them by name and point them to a first small task."
                        if kind == Question.Kind.FREE_TEXT
                        else "",
                    )
                    Choice.objects.bulk_create(
                        Choice(question=question, text=t, is_correct=c, position=i)
                        for i, (t, c) in enumerate(choices, 1)
                    )
            rules.append((topic, 2))
        step = Step.objects.filter(kind=Step.Kind.EXAM, exam__isnull=True).order_by("id").first()
        exam = Exam.objects.create(
            title="Community manager exam", description="Moderation and community health.", step=step
        )
        ExamTopicRule.objects.bulk_create(ExamTopicRule(exam=exam, topic=t, count=n) for t, n in rules)
        if stdout is not None:
            stdout.write(f"Exam: {exam.title}")
