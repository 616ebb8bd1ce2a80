"""The default plan of peer-learning circles: twelve weeks in the style of Working Out Loud and
lernOS, for coordinators to copy and adapt in the admin."""

from __future__ import annotations

from django.db import transaction

from .models import CirclePlan
from .services import circle_plan_create

DEFAULT_TITLE = "Working Out Loud for community managers (12 weeks)"

DEFAULT_WEEKS: list[tuple[str, str, str]] = [
    (
        "Getting started",
        "- Introduce yourselves\n- Agree on a weekly time and the circle's rules",
        "Write down one goal for your community for the next 12 weeks.",
    ),
    (
        "Your relationship list",
        "- Share your goals\n- Who could help you reach them?",
        "List 10 people who relate to your goal.",
    ),
    (
        "Contributions",
        "- What can you offer to the people on your list?",
        "Make three small contributions (thank, share, answer).",
    ),
    ("Your visible work", "- How do others see what you do?", "Post one piece of work in progress in your community."),
    (
        "Deepening relationships",
        "- Which contacts responded? What did you learn?",
        "Offer help to two people on your list.",
    ),
    (
        "Moderation practice",
        "- Share a difficult situation from your community",
        "Try one new moderation technique and note the effect.",
    ),
    ("Generosity", "- What knowledge can you give away?", "Write a short guide for newcomers in your community."),
    ("Feedback", "- Ask the circle for feedback on your community's welcome", "Collect feedback from three members."),
    (
        "Measure",
        "- Look at your community's health figures together",
        "Pick one figure to improve and plan a small experiment.",
    ),
    ("Experiment", "- Report on your experiment", "Run the experiment and write down what happened."),
    ("Make it a habit", "- Which practices will you keep?", "Describe your weekly routine as a community manager."),
    (
        "Retrospective",
        "- Look back on the 12 weeks\n- Celebrate and plan what comes next",
        "Write your retrospective and your next steps.",
    ),
]


def circle_plan_ensure_default() -> CirclePlan:
    """Create the default plan once (idempotent); returns it."""
    with transaction.atomic():
        existing = CirclePlan.objects.filter(title=DEFAULT_TITLE).first()
        if existing is not None:
            return existing
        return circle_plan_create(
            title=DEFAULT_TITLE,
            description="Small circles of 4 to 5 community managers meet weekly, try one small exercise "
            "(a kata) each week and check in on their progress.",
            weeks=DEFAULT_WEEKS,
        )
