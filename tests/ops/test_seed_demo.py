"""``manage.py seed_demo`` loads every app's demo data and is safe to run on every ``make run``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

DEMO_LOGINS = ("anna.mueller@demo.intranet.test", "juergen.gross@demo.intranet.test", "admin@demo.intranet.test")


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_is_quiet_fills_every_coordinator_screen_and_is_idempotent(
    settings, django_capture_on_commit_callbacks
):
    """The first ``make run``: a short output ending in a summary, the in-app notifications kept,
    and every screen fed by the nightly jobs showing real content (issue 18, items 7 and 9)."""
    settings.LANGUAGE_CODE = "en"
    # The outbox relays after commit (notifications): run those callbacks as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        output = _seed()
    lines = output.strip().splitlines()
    assert len(lines) < 40, output
    assert "Subject:" not in output and "Content-Type" not in output
    ready = next(i for i, line in enumerate(lines) if "Demo data ready" in line)
    assert "people" in lines[ready + 1] and "communities" in lines[ready + 1]
    assert "health scores" in lines[ready + 1] and "tandem suggestions" in lines[ready + 1]
    assert apps.get_model("notifications", "Notification").objects.exists()

    user_model = apps.get_model("accounts", "User")
    users = {user.email: user for user in user_model.objects.filter(email__in=DEMO_LOGINS)}
    assert set(users) == set(DEMO_LOGINS)
    assert all(user.check_password("demo-password-2026") for user in users.values())
    assert users["admin@demo.intranet.test"].is_superuser

    admin = Client()
    admin.force_login(users["admin@demo.intranet.test"])
    overview = admin.get(reverse("communities:console_overview"))
    states = {value: n for value, _label, n in overview.context["overview"].by_state}
    assert states["dormant"] >= 1 and states["orphaned"] >= 1 and states["slowing"] >= 1
    assert states["unassessed"] == 0
    assert len(overview.context["overview"].chart_days) >= 80
    assert any(overview.context["overview"].chart_activity)
    assert 'id="health-recompute"' in overview.content.decode()

    dormant = admin.get(reverse("communities:console_community_list") + "?state=dormant").content.decode()
    assert "Oldtimer-Freunde" in dormant
    orphaned = admin.get(reverse("communities:console_community_list") + "?state=orphaned").content.decode()
    assert "Modellbau-Stammtisch" in orphaned

    community = apps.get_model("communities", "Community")
    slowing = community.objects.filter(health__state="slowing").first()
    health = admin.get(reverse("communities:community_health", kwargs={"slug": slowing.slug}))
    assert health.status_code == 200
    assert health.context["page"].health.state == "slowing"
    assert len(health.context["page"].rows) >= 28

    running = community.objects.get(name="Running Club")
    tandems = admin.get(reverse("meetups:tandem_suggestions", kwargs={"slug": running.slug}))
    assert tandems.status_code == 200
    assert len(tandems.context["rows"]) >= 1

    case_model = apps.get_model("communities", "CampaignCase")
    case = case_model.objects.select_related("community").get(community__name="Oldtimer-Freunde")
    detail = admin.get(reverse("communities:console_community", kwargs={"pk": case.community_id}))
    assert reverse("communities:console_case_answer", kwargs={"pk": case.pk}) in detail.content.decode()

    # The scoped coordinator sees the People & Culture and Freizeit & Sport communities only.
    scoped = Client()
    scoped.force_login(user_model.objects.get(email="juergen.gross@demo.intranet.test"))
    scoped_overview = scoped.get(reverse("communities:console_overview")).context["overview"]
    in_scope = community.objects.filter(category__slug__in=("people", "leisure")).count()
    assert scoped_overview.total == in_scope < community.objects.count()

    # Safe on every ``make run``: a second seed adds nothing (one seeded database for both checks,
    # since a full demo seed costs about a minute).
    first = _row_counts()
    with django_capture_on_commit_callbacks(execute=True):
        _seed()
    second = _row_counts()
    grown = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    assert grown == {}, f"a second seed_demo changed row counts: {grown}"
