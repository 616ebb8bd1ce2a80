"""Demo health figures: the daily figures of the past twelve weeks, computed from the backdated demo
history, so the health pages and the console's charts have a trend on the first start. The score
itself is computed by the nightly job, which ``seed_demo`` runs once at the end (``DEMO_SEED_JOBS``).

Idempotent: a day's figures are rewritten, not added (``figures_compute_day`` upserts), and days
that have figures already are skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from communities.health.figures import figures_compute_day, yesterday
from communities.health.models import CommunityDayFigures
from communities.health.score import TREND_WEEKS


def seed_figures(*, stdout: Any) -> None:
    """Compute the figures of every day of the trend window that has none yet."""
    last = yesterday()
    days = [last - dt.timedelta(days=offset) for offset in range(7 * TREND_WEEKS - 1, -1, -1)]
    done = set(CommunityDayFigures.objects.filter(day__in=days).values_list("day", flat=True).distinct())
    missing = [day for day in days if day not in done]
    for day in missing:
        figures_compute_day(day)
    if missing:
        stdout.write(f"communities: health figures of {len(missing)} past days computed.")
