"""Builders of POST data for the authoring tests."""

from __future__ import annotations

from typing import Any

from tests.support.forms import with_key
from training.models import Exam, Question


def question_data(
    *,
    kind: str = Question.Kind.SINGLE,
    text: str = "Which answer is right?",
    choices: list[tuple[str, bool]] | None = None,
    existing: Question | None = None,
    points: int = 1,
) -> dict[str, Any]:
    choices = [("Right", True), ("Wrong", False)] if choices is None else choices
    old = list(existing.choices.order_by("position", "id")) if existing is not None else []
    data: dict[str, Any] = {
        "kind": kind,
        "text": text,
        "points": str(points),
        "model_answer": "",
        "is_active": "on",
        "choices-TOTAL_FORMS": str(max(len(choices), len(old))),
        "choices-INITIAL_FORMS": str(len(old)),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "12",
    }
    for i in range(max(len(choices), len(old))):
        if i < len(old):
            data[f"choices-{i}-id"] = str(old[i].pk)
        if i < len(choices):
            label, correct = choices[i]
            data[f"choices-{i}-text"] = label
            data[f"choices-{i}-position"] = str(i + 1)
            if correct:
                data[f"choices-{i}-is_correct"] = "on"
        else:
            data[f"choices-{i}-text"] = old[i].text
            data[f"choices-{i}-position"] = str(i + 1)
            data[f"choices-{i}-DELETE"] = "on"
    return with_key(data)  # a fresh submission of the form (its key is ignored when editing)


def exam_data(
    *,
    title: str = "Moderation exam",
    step_id: int | None = None,
    rules: list[tuple[int, int]] | None = None,
    existing: Exam | None = None,
    **fields: Any,
) -> dict[str, Any]:
    rules = rules or []
    old = list(existing.rules.order_by("id")) if existing is not None else []
    data: dict[str, Any] = {
        "title": title,
        "description": "",
        "step": str(step_id) if step_id else "",
        "time_limit_minutes": "30",
        "pass_mark_percent": "70",
        "max_attempts": "3",
        "wait_hours": "24",
        "is_published": "on",
        "rules-TOTAL_FORMS": str(max(len(rules), len(old))),
        "rules-INITIAL_FORMS": str(len(old)),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    data.update({k: str(v) for k, v in fields.items()})
    for i in range(max(len(rules), len(old))):
        if i < len(old):
            data[f"rules-{i}-id"] = str(old[i].pk)
        if i < len(rules):
            data[f"rules-{i}-topic"] = str(rules[i][0])
            data[f"rules-{i}-count"] = str(rules[i][1])
        else:
            data[f"rules-{i}-topic"] = str(old[i].topic_id)
            data[f"rules-{i}-count"] = str(old[i].count)
            data[f"rules-{i}-DELETE"] = "on"
    return with_key(data)  # a fresh submission of the form (its key is ignored when editing)
