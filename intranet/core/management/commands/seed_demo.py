"""Load the demo data set: every installed app's ``demo`` module, in ``INSTALLED_APPS`` order.

Each ``<app>.demo`` module exposes ``seed(*, stdout)`` and must be idempotent (``get_or_create``
on natural keys), so ``make run`` can call this command on every start without adding duplicates.
"""

from __future__ import annotations

import sys
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = "Load idempotent demo data from every installed app's demo module."

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("demo")
        seeded: list[str] = []
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
        if seeded:
            self.stdout.write(self.style.SUCCESS(f"Demo data ready ({', '.join(seeded)})."))
        else:
            self.stdout.write("No demo modules found.")
