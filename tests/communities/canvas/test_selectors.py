"""Completeness (the training-level contract), the stage rule and the themes of the framework."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from communities.canvas.selectors import (
    answers_complete,
    canvas_completed_community_ids,
    canvas_is_complete,
    is_new_community,
)
from communities.canvas.themes import PARTS, STAGE_THEME_KEYS, THEMES
from tests.communities.canvas.helpers import full_answers, make_community, make_manager, save
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db


def test_framework_has_three_parts_and_sixteen_themes_with_questions():
    assert [p.key for p in PARTS] == ["identity", "experience", "structure"]
    assert [sum(theme.part == p.key for theme in THEMES) for p in PARTS] == [5, 6, 5]
    assert all(2 <= len(theme.questions) <= 4 for theme in THEMES)
    assert set(STAGE_THEME_KEYS) == {
        "purpose",
        "member_identity",
        "values",
        "selection",
        "onboarding",
        "rituals",
        "roles",
        "channels",
    }


def test_answers_complete_needs_every_theme_with_enough_text(settings):
    settings.CANVAS_MIN_ANSWER_CHARS = 40
    answers = full_answers()
    assert answers_complete(answers)
    assert not answers_complete({**answers, "financing": "   " + "x" * 39 + "   "})
    assert not answers_complete({k: v for k, v in answers.items() if k != "data"})


def test_completed_ids_in_one_query_and_is_complete():
    done, partial, empty, none_yet = (make_community() for _ in range(4))
    for community, answers in ((done, full_answers()), (partial, {"purpose": "x" * 80}), (empty, {})):
        if answers:
            save(make_manager(community), community, answers, base=0)
    with pin_queries(1):
        ids = canvas_completed_community_ids([done.pk, partial.pk, empty.pk, none_yet.pk])
    assert ids == {done.pk}
    with pin_queries(0):
        assert canvas_completed_community_ids([]) == set()
    with pin_queries(1):
        assert canvas_is_complete(done)
    assert not canvas_is_complete(partial)
    assert not canvas_is_complete(none_yet)


def test_new_community_by_age_or_size(settings):
    settings.CANVAS_NEW_COMMUNITY_DAYS = 90
    settings.CANVAS_NEW_COMMUNITY_MEMBERS = 10
    now = timezone.now()
    young_big = make_community(created_at=now - dt.timedelta(days=10), member_count=50)
    old_small = make_community(created_at=now - dt.timedelta(days=400), member_count=3)
    old_big = make_community(created_at=now - dt.timedelta(days=400), member_count=10)
    assert is_new_community(young_big, now=now)
    assert is_new_community(old_small, now=now)
    assert not is_new_community(old_big, now=now)
