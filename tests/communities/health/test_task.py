"""The nightly job: its beat entry, and the task running in a real Celery worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings

from communities.core import services
from communities.health.jobs import health_figures_daily_task
from communities.models import CommunityDayFigures, CommunityHealth
from tests.factories import UserFactory
from tests.notifications.conftest import wait_for


def test_beat_schedule_runs_the_job_nightly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["communities-health-figures-nightly"]
    assert entry["task"] == "communities.health_figures_daily" == health_figures_daily_task.name
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"] == crontab(minute=30, hour=2)
    assert "args" not in entry  # no day: the task computes yesterday


@pytest.mark.django_db
def test_task_computes_yesterday_inline() -> None:
    community = services.community_create(actor=UserFactory.create(), name="Inline")
    result = health_figures_daily_task.apply().get()
    yesterday = dt.date.fromisoformat(str(result["day"]))
    assert CommunityDayFigures.objects.filter(community=community, day=yesterday).exists() is False  # created today
    assert CommunityHealth.objects.filter(community=community).exists() is False
    # A day on which the community existed: rows for it.
    today = (yesterday + dt.timedelta(days=1)).isoformat()
    assert health_figures_daily_task.apply(args=(today,)).get()["rows"] == 1


@pytest.mark.redis
@pytest.mark.worker
def test_task_runs_in_a_real_worker(celery_worker: Any) -> None:
    community = services.community_create(actor=UserFactory.create(), name="Worked")
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    async_result = health_figures_daily_task.delay(today)
    wait_for(lambda: CommunityHealth.objects.filter(community=community).exists(), worker=celery_worker)
    assert CommunityDayFigures.objects.get(community=community).members == 1
    assert async_result.get(timeout=30) == {"day": today, "rows": 1, "health_rows": 1}
