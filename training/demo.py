"""Demo training (idempotent): the basic programme for new community managers with its four kinds of
step, two live sessions, then the demo question bank, exam and circle plan of
:mod:`training.demo_qualification`.

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

from .demo_qualification import seed as seed_qualification
from .models import Programme, Session, Step

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
