"""A task for the redelivery test, loaded only by its workers (``celery worker --include``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from celery import shared_task


@shared_task(name="tests.ops.record_and_sleep", bind=True, acks_late=True)
def record_and_sleep(self: Any, journal: str, seconds: float) -> None:
    """Note which worker started the task; the first run sleeps (to be killed), a rerun finishes."""
    path = Path(journal)
    first = not path.exists()
    with path.open("a") as out:
        out.write(f"start {self.request.hostname}\n")
    if first:
        time.sleep(seconds)
    with path.open("a") as out:
        out.write(f"done {self.request.hostname}\n")
