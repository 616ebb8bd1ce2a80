"""Demo training (idempotent): the basic programme for new community managers with its four kinds of
step, two live sessions, then the default circle plan and (when no exam exists yet) a small
question bank with an exam.

Called by ``manage.py seed_demo`` (autodiscovered), after the accounts demo. Rows are created
directly rather than through the services: the demo has no acting coordinator and must not write
audit rows or notifications.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from intranet.accounts.models import User
from intranet.core.markdown import render_markdown

from .circles.plans import circle_plan_ensure_default
from .models import Choice, Exam, ExamTopicRule, Programme, Question, QuestionBank, Session, Step, Topic

BASIC_TITLE = "Basic training for community managers"

STEPS: list[tuple[str, str, str]] = [
    (
        Step.Kind.READING,
        "What a community manager does",
        "A community manager welcomes new members, keeps conversations on topic, answers or routes "
        "questions, and looks after the community's health figures.\n\n"
        "Read the guide, then mark this step as done.",
    ),
    (
        Step.Kind.EXERCISE,
        "Write your community's welcome post",
        "Draft the post that greets new members: who the community is for, what they find here, "
        "and a first small thing they can do.",
    ),
    (Step.Kind.SESSION, "Attend a live session", "Join one of the live sessions with the coordinators."),
    (Step.Kind.EXAM, "Pass the exam", "Ten minutes, two questions per topic."),
]


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


def seed_qualification(*, stdout: Any = None) -> None:
    """The default circle plan (so "Start a circle" works) and, when no exam exists yet, a small
    question bank with an exam."""
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


def seed(*, stdout: Any) -> None:
    with transaction.atomic():
        programme = Programme.objects.filter(title=BASIC_TITLE).first()
        if programme is None:
            description = (
                "Everything a new community manager needs in the first month: the role, a welcome "
                "post, a live session with the coordinators and a short exam. Completing it earns "
                "the *Community Manager* certificate."
            )
            programme = Programme.objects.create(
                title=BASIC_TITLE,
                description=description,
                description_html=render_markdown(description).html,
                audience="New owners and managers of communities",
                is_basic=True,
                published=True,
                validity_months=24,
            )
            for position, (kind, title, body) in enumerate(STEPS, 1):
                Step.objects.create(
                    programme=programme,
                    position=position,
                    kind=kind,
                    title=title,
                    body=body,
                    body_html=render_markdown(body).html,
                )
            session_step = programme.steps.get(kind=Step.Kind.SESSION)
            trainer = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
            berlin = ZoneInfo("Europe/Berlin")
            today = timezone.localdate()
            for days, place, url in [(7, "Stuttgart, Room 4.12", ""), (21, "", "https://meet.example/basics")]:
                day = today + dt.timedelta(days=days)
                session = Session.objects.create(
                    programme=programme,
                    step=session_step,
                    title="Live session: running a community",
                    starts_at=dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=berlin),
                    time_zone="Europe/Berlin",
                    duration_minutes=90,
                    place=place,
                    online_url=url,
                    capacity=12,
                )
                if trainer is not None:
                    session.trainers.add(trainer)
            stdout.write(f"Programme: {programme.title}")
    seed_qualification(stdout=stdout)
