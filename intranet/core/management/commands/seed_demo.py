"""Load the demo data set: every installed app's ``demo`` module, in ``INSTALLED_APPS`` order.

Each ``<app>.demo`` module exposes ``seed(*, stdout)`` and must be idempotent (``get_or_create``
on natural keys), so ``make run`` can call this command on every start without adding duplicates.

Seeding is quiet: the demo's notifications stay in the app (the bell, the inbox), but their
e-mails go to an in-memory outbox instead of the console, Celery work runs inline (nothing is left
queued for a worker to mail out later) and INFO logs are held back. Then the periodic jobs of
``DEMO_SEED_JOBS`` run once, so the screens fed by nightly jobs (health, console, tandem
suggestions, lifecycle campaigns) show something on the first start, and a short summary ends the
output.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Any

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import autodiscover_modules

from intranet.core.jobs import job_run, jobs_named


@contextlib.contextmanager
def quiet_seeding(*, verbose: bool) -> Iterator[list[Any]]:
    """E-mails into a list (yielded), Celery inline, INFO logs held back (unless ``verbose``)."""
    had_outbox = hasattr(mail, "outbox")
    saved_outbox = getattr(mail, "outbox", None)
    mail.outbox = []
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    if not verbose:
        logging.disable(logging.INFO)
    try:
        # Mail is sent through ``get_connection()``, which reads the setting at send time.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield mail.outbox
    finally:
        logging.disable(logging.NOTSET)
        current_app.conf.task_always_eager = eager
        if had_outbox:
            mail.outbox = saved_outbox  # type: ignore[assignment]  # whatever a test had put there
        else:
            del mail.outbox


class Command(BaseCommand):
    help = "Load idempotent demo data from every installed app's demo module, then run the nightly jobs once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-jobs", action="store_true", help="Do not run the periodic jobs afterwards.")

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("demo")
        seeded: list[str] = []
        with quiet_seeding(verbose=options["verbosity"] > 1) as held_mail:
            for app_config in apps.get_app_configs():
                module = sys.modules.get(f"{app_config.name}.demo")
                if module is None:
                    continue
                seed = getattr(module, "seed", None)
                if not callable(seed):
                    raise CommandError(f"{app_config.name}.demo has no seed() function")
                with transaction.atomic():
                    seed(stdout=self.stdout)
                seeded.append(app_config.label)
            if not options["no_jobs"]:
                for name in settings.DEMO_SEED_JOBS:
                    for job in jobs_named(name):
                        job_run(job)
                        self.stdout.write(f"job {job.label}: done")
            held = len(held_mail)
        if not seeded:
            self.stdout.write("No demo modules found.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({', '.join(seeded)})."))
        self.stdout.write(self._summary(held))

    def _summary(self, held_mail: int) -> str:
        counts = []
        for label, noun in settings.DEMO_SUMMARY:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            counts.append(f"{model._default_manager.count()} {noun}")
        lines = ["  " + ", ".join(counts)]
        if held_mail:
            lines.append(f"  {held_mail} demo e-mails were not sent (their notifications are in the app).")
        return "\n".join(lines)
