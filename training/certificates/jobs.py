"""Periodic (beat) jobs of certificates; the Celery names are referenced by ``CELERY_BEAT_SCHEDULE``."""

from __future__ import annotations

from celery import shared_task

from .services import certificate_expiry_reminders_send


@shared_task(name="training.certificate_expiry_reminders")
def certificate_expiry_reminders_task() -> int:
    """Beat: remind holders 30 days before their certificate expires (each certificate once)."""
    return certificate_expiry_reminders_send()
