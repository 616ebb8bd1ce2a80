"""The nightly retention job (beat entry ``privacy-retention-nightly``; ``manage.py run_job``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .services import retention_apply


@shared_task(name="privacy.retention_apply")
def retention_apply_task() -> dict[str, Any]:
    """Apply every retention rule once, in bounded batches; returns rows acted on per rule."""
    return {line.key: line.done for line in retention_apply()}
