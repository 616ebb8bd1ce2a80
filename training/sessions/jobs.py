"""Periodic (beat) jobs of sessions; the Celery names are referenced by ``CELERY_BEAT_SCHEDULE``."""

from __future__ import annotations

from celery import shared_task

from .services import session_reminders_send


@shared_task(name="training.session_reminders")
def session_reminders_task() -> int:
    """Beat: remind people of tomorrow's sessions (each booking once)."""
    return session_reminders_send()
