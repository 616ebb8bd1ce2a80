"""The programme, step, session and circle forms sent twice create one programme, session and circle,
and the second answer is the first one's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.training.qualification_helpers import make_plan
from training.models import Circle, Programme, Session

pytestmark = pytest.mark.django_db


def _twice(client, url: str, data: dict) -> set[str]:
    answers = [client.post(url, data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302], answers[0].content[:500]
    return {a["Location"] for a in answers}


def test_programme_form_sent_twice_creates_one(client, coordinator):
    client.force_login(coordinator)
    locations = _twice(client, reverse("training:programme_create"), with_key(title="Moderation", level="basic"))
    programme = Programme.objects.get(title="Moderation")
    assert locations == {reverse("training:manage_programme", args=[programme.pk])}


def test_step_form_sent_twice_creates_one(client, coordinator, programme):
    client.force_login(coordinator)
    steps = programme.steps.count()
    data = with_key(title="Read more", kind="reading", body="Text")
    _twice(client, reverse("training:step_create", args=[programme.pk]), data)
    assert programme.steps.count() == steps + 1


def test_session_form_sent_twice_creates_one(client, coordinator, programme):
    client.force_login(coordinator)
    data = with_key(
        title="Kick-off",
        starts_at="2031-01-15T10:00",
        time_zone="Europe/Berlin",
        duration_minutes=90,
        place="Room 7",
        capacity=12,
    )
    locations = _twice(client, reverse("training:session_create", args=[programme.pk]), data)
    session = Session.objects.get(title="Kick-off")
    assert locations == {reverse("training:manage_session", args=[session.pk])}


def test_circle_form_sent_twice_creates_one(client):
    plan = make_plan()
    client.force_login(UserFactory.create())
    locations = _twice(client, reverse("training:circle_create"), with_key(name="Night owls", plan=plan.pk))
    circle = Circle.objects.get()
    assert locations == {reverse("training:circle_detail", args=[circle.pk])}
    response = client.post(reverse("training:circle_create"), {"name": "No key", "plan": plan.pk})
    assert response.status_code == 400 and Circle.objects.count() == 1
