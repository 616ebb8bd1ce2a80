"""Outbox subscribers of community health: a coordinator's "recompute now" (``events.py``)."""

from __future__ import annotations

import datetime as dt

from communities.health.events import RECOMPUTE_REQUESTED
from communities.health.figures import figures_compute_day, yesterday
from communities.health.jobs import health_job_run
from communities.health.models import CommunityDayFigures
from communities.health.score import TREND_WEEKS
from intranet.core.outbox import QUEUED, Event, subscriber


@subscriber(RECOMPUTE_REQUESTED, name="communities.health.recompute", when=QUEUED, atomic=False)
def recompute(event: Event) -> None:
    """Fill the days of the trend window that have no figures (beat did not run: no broker, a
    pause), then run the nightly job: yesterday's figures and the score. Safe to run twice."""
    last = yesterday()
    days = [last - dt.timedelta(days=offset) for offset in range(7 * TREND_WEEKS - 1, 0, -1)]
    done = set(CommunityDayFigures.objects.filter(day__in=days).values_list("day", flat=True).distinct())
    for day in days:
        if day not in done:
            figures_compute_day(day)
    health_job_run(last)
