"""Create the default peer-learning circle plan if it does not exist yet (safe to run twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from training.circles.plans import circle_plan_ensure_default


class Command(BaseCommand):
    help = "Create the default 12-week peer-learning circle plan (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        plan = circle_plan_ensure_default()
        self.stdout.write(f"Circle plan {plan.pk}: {plan.title}")
