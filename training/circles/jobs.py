"""Periodic (beat) jobs of circles; the Celery names are referenced by ``CELERY_BEAT_SCHEDULE``."""

from __future__ import annotations

from celery import shared_task

from .services import circles_finish_due


@shared_task(name="training.circles_finish_due")
def circles_finish_due_task() -> int:
    """Beat: mark circles whose last week is over as finished."""
    return circles_finish_due()
