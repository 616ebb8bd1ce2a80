"""``manage.py run_job NAME``: run one periodic job now, as Celery beat would.

``NAME`` is a key of ``CELERY_BEAT_SCHEDULE`` or the name of the task it runs; ``--list`` shows
them all. The job runs in this process (no broker needed) unless ``--queue`` hands it to a worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intranet.core.jobs import UnknownJob, beat_jobs, job_dispatch, job_run, jobs_named


class Command(BaseCommand):
    help = "Run a periodic (beat) job now: manage.py run_job communities.health_figures_daily (--list shows all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="A beat entry or task name (see --list).")
        parser.add_argument(
            "job_args", nargs="*", metavar="ARG", help="Arguments for the task instead of the beat entry's."
        )
        parser.add_argument("--list", action="store_true", help="List every periodic job and exit.")
        parser.add_argument("--queue", action="store_true", help="Send the job to a Celery worker instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"] or not options["name"]:
            width = max(len(job.entry) for job in beat_jobs())
            for job in beat_jobs():
                self.stdout.write(f"{job.entry:<{width}}  {job.label}")
            if not options["list"]:
                raise CommandError("Name a job to run (listed above).")
            return
        try:
            jobs = jobs_named(options["name"], options["job_args"])
            for job in jobs:
                if options["queue"]:
                    result = job_dispatch(job)
                    self.stdout.write(f"{job.label}: queued as {result.id}")
                else:
                    self.stdout.write(f"{job.label}: {job_run(job)!r}")
        except UnknownJob as error:
            raise CommandError(f"No periodic job named {error}; manage.py run_job --list shows them.") from None
