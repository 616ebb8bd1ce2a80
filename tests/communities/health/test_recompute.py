"""A coordinator's "recompute now": permission, audit, the guard against double clicks, the jobs it
runs (inline without a broker, in a real worker with one), and its pinned query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.core import services
from communities.health.services import RECOMPUTE_ACTION
from communities.models import CommunityDayFigures, CommunityHealth
from intranet.core.models import AuditEntry
from meetups.tandems.models import TandemSuggestion
from tests.communities.health.test_views import scoped_coordinator
from tests.factories import UserFactory
from tests.notifications.conftest import wait_for
from tests.support.queries import pin_queries

URL = "/community-health/recompute/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_url_name() -> None:
    assert reverse("communities:health_recompute") == URL


@pytest.mark.django_db
def test_people_who_are_no_coordinators_get_404_and_nothing_runs() -> None:
    member = UserFactory.create()
    services.community_create(actor=member, name="Owned")
    response = _client(member).post(URL)
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=RECOMPUTE_ACTION).exists()
    assert not CommunityHealth.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login() -> None:
    response = Client().post(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_get_is_refused() -> None:
    staff = UserFactory.create(is_staff=True)
    assert _client(staff).get(URL).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_coordinator_recomputes_inline_once_per_double_click() -> None:
    coordinator = scoped_coordinator()
    owner = UserFactory.create()
    first = services.community_create(actor=owner, name="Lindenhof Gardeners")
    second = services.community_create(actor=owner, name="Lindenhof Beekeepers")
    # The communities existed a few days ago, so the recomputation has past days to fill.
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(created_at=timezone.now() - dt.timedelta(days=5))
    client = _client(coordinator)

    response = client.post(URL, {"next": "/console/"})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    audit = AuditEntry.objects.get(action=RECOMPUTE_ACTION)
    assert audit.actor_id == coordinator.pk
    # Without a broker the jobs ran inline: every community has its score, past days their figures.
    assert set(CommunityHealth.objects.values_list("community_id", flat=True)) == {first.pk, second.pk}
    assert CommunityDayFigures.objects.filter(community=first).count() >= 4
    assert TandemSuggestion.objects.filter(community__in=[first, second]).exists()

    again = client.post(URL, {"next": "/console/"}, follow=True)
    assert AuditEntry.objects.filter(action=RECOMPUTE_ACTION).count() == 1
    assert "started a moment ago" in again.content.decode()


@pytest.mark.django_db
def test_next_outside_the_site_is_ignored() -> None:
    staff = UserFactory.create(is_staff=True)
    response = _client(staff).post(URL, {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("communities:console_overview")


@pytest.mark.django_db
def test_a_guarded_request_has_a_pinned_query_count_whatever_the_number_of_communities() -> None:
    staff = UserFactory.create(is_staff=True)
    client = _client(staff)
    client.post(URL)
    counts = []
    for n in (1, 6):
        for i in range(n):
            services.community_create(actor=staff, name=f"Grown {n} {i}")
        with pin_queries(5) as ctx:
            client.post(URL)
        counts.append(len(ctx.captured_queries))
    assert counts == [5, 5]


@pytest.mark.redis
@pytest.mark.worker
def test_recompute_runs_in_a_real_worker(celery_worker: Any) -> None:
    staff = UserFactory.create(is_staff=True)
    community = services.community_create(actor=UserFactory.create(), name="Worked Again")
    type(community).objects.filter(pk=community.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    response = _client(staff).post(URL)
    assert response.status_code == 302
    wait_for(lambda: CommunityHealth.objects.filter(community=community).exists(), worker=celery_worker)
    assert CommunityDayFigures.objects.filter(community=community).exists()
    assert AuditEntry.objects.filter(action=RECOMPUTE_ACTION, actor_id=staff.pk).count() == 1
