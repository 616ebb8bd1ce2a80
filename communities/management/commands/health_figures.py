"""``manage.py health_figures``: compute the daily community figures (and the health score).

Without options it does what the nightly job does: yesterday's figures, then the score. ``--day``
recomputes one past day, ``--days N`` the last N days (oldest first, e.g. to build the 12-week
history after installing); rerunning a day rewrites the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communities.health.figures import figures_compute_day, yesterday
from communities.health.jobs import health_job_run


class Command(BaseCommand):
    help = "Compute daily community figures for one or more past days, then the health score."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="The day to compute (YYYY-MM-DD); default yesterday.")
        parser.add_argument("--days", type=int, help="Compute the last N days up to --day (oldest first).")
        parser.add_argument("--no-health", action="store_true", help="Only the figures, not the health score.")
        parser.add_argument("--json", action="store_true", help="Print the last day's timings as one JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            last = dt.date.fromisoformat(options["day"]) if options["day"] else yesterday()
        except ValueError as error:
            raise CommandError(f"--day: {error}") from None
        count = options["days"] or 1
        if count < 1:
            raise CommandError("--days must be at least 1.")
        for offset in range(count - 1, 0, -1):
            day = last - dt.timedelta(days=offset)
            rows = figures_compute_day(day)
            self.stdout.write(f"{day}: {rows} communities")
        result = health_job_run(last, with_health=not options["no_health"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "day": result.day.isoformat(),
                        "communities": result.rows,
                        "figures_seconds": round(result.figures_seconds, 3),
                        "health_seconds": round(result.health_seconds, 3),
                        "seconds": round(result.figures_seconds + result.health_seconds, 3),
                    }
                )
            )
            return
        self.stdout.write(
            f"{result.day}: {result.rows} communities in {result.figures_seconds:.2f} s; "
            f"health of {result.health_rows} communities in {result.health_seconds:.2f} s"
        )
