"""The nightly health job: daily figures, pruning, then the health score (beat and ``manage.py``).

It sits above ``figures`` and ``score`` (which needs the figures' day window), so neither imports
the other's runner.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from celery import shared_task

from communities.health.figures import figures_compute_day, figures_prune, yesterday
from communities.health.score import health_compute


@dataclass(frozen=True)
class JobResult:
    day: dt.date
    rows: int
    figures_seconds: float
    health_rows: int
    health_seconds: float


def health_job_run(day: dt.date | None = None, *, with_health: bool = True) -> JobResult:
    """The nightly job: figures for ``day`` (default yesterday), pruning past the retention period,
    then the health score as of that day."""
    day = day or yesterday()
    started = time.perf_counter()
    rows = figures_compute_day(day)
    figures_prune()
    figures_seconds = time.perf_counter() - started
    health_rows = 0
    health_seconds = 0.0
    if with_health:
        started = time.perf_counter()
        health_rows = health_compute(day)
        health_seconds = time.perf_counter() - started
    return JobResult(day, rows, figures_seconds, health_rows, health_seconds)


@shared_task(name="communities.health_figures_daily")
def health_figures_daily_task(day: str | None = None) -> dict[str, object]:
    """Nightly: yesterday's community figures (or ``day``, ISO date), then the health score."""
    result = health_job_run(dt.date.fromisoformat(day) if day else None)
    return {"day": result.day.isoformat(), "rows": result.rows, "health_rows": result.health_rows}
