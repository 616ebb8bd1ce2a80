"""Periodic (beat) jobs of exams; the Celery names are referenced by ``CELERY_BEAT_SCHEDULE``."""

from __future__ import annotations

from celery import shared_task

from .services import attempts_close_expired


@shared_task(name="training.attempts_close_expired")
def attempts_close_expired_task() -> int:
    """Beat: close exam attempts left open past their deadline (safe to run twice)."""
    return attempts_close_expired()
