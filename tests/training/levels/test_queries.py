"""Pinned query counts of the level pages and the profile section, and proof they do not grow with
rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries
from training.levels.services import level_application_submit, level_set
from training.models import Level, LevelRight, LevelRightGrant

pytestmark = pytest.mark.django_db


def test_level_pages_queries(client, coordinator, programme):
    levels: list[Level] = []

    def add_rows(n):
        for _ in range(n):
            level = Level.objects.create(name_en=f"L{len(levels)}", rank=len(levels) + 1)
            LevelRightGrant.objects.create(level=level, right=LevelRight.MENTOR_OTHERS)
            level.required_programmes.add(programme)
            levels.append(level)
            person = UserFactory.create()
            level_application_submit(actor=person, level=level, evidence_text="Evidence")
            level_set(actor=coordinator, user=UserFactory.create(), level=level, override=True, reason="test")

    client.force_login(coordinator)

    def level_list():
        assert client.get(reverse("training:level_list")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=level_list, expected=EXPECTED["level_list"])

    def queue():
        assert client.get(reverse("training:level_application_queue")).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=queue, expected=EXPECTED["level_queue"])


#: Pinned counts (the session and user lookups of every signed-in request are included).
EXPECTED = {
    "level_list": 7,
    "level_queue": 3,
}


def test_profile_section_does_not_grow_with_certificates_or_level_changes(client, coordinator, learner):
    from tests.training.factories import ProgrammeFactory
    from training.models import Certificate

    person = UserFactory.create()
    client.force_login(learner)
    levels = [Level.objects.create(name_en=f"P{i}", rank=i + 1) for i in range(8)]
    counter = {"n": 0}

    def add_rows(n):
        for _ in range(n):
            Certificate.objects.create(user=person, programme=ProgrammeFactory.create())
            level_set(actor=coordinator, user=person, level=levels[counter["n"]], override=True, reason="test")
            counter["n"] += 1

    def action():
        response = client.get(reverse("accounts:profile_detail", kwargs={"handle": person.handle}))
        assert response.status_code == 200
        assert f"P{counter['n'] - 1}" in response.content.decode()

    # Signed-in user, person, skills (accounts) + level, level history, certificates (training).
    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=6, expected=6)
