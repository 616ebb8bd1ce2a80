"""Relay outbox events that are still waiting (after a broker outage), and show what waits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from intranet.core import outbox


class Command(BaseCommand):
    help = "Relay outbox events that were never handed to Celery (broker outage, crash)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Also relay events younger than the grace period.")
        parser.add_argument("--map", action="store_true", help="Print every event and its subscribers instead.")
        parser.add_argument("--markdown", action="store_true", help="With --map: the table of docs/architecture.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["map"] and options["markdown"]:
            self.stdout.write(outbox.subscription_table())
            return
        if options["map"]:
            for event, subs in outbox.subscription_map().items():
                line = ", ".join(f"{name} ({when})" for name, when in subs) or "-"
                self.stdout.write(f"{event}: {line}")
            return
        older_than = timedelta(0) if options["all"] else outbox.RELAY_GRACE
        total = 0
        while True:
            relayed = outbox.relay_pending(older_than=older_than)
            total += relayed
            if relayed < outbox.RELAY_BATCH:
                break
        self.stdout.write(f"Relayed {total} event(s); {outbox.pending_count()} still waiting.")
