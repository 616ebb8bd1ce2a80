"""Periodic (beat) jobs of meetups: they call one service each; the settings refer to their names."""

from __future__ import annotations

from celery import shared_task

from .services import generate_all_series, send_due_reminders


@shared_task(name="meetups.send_reminders")
def send_reminders_task() -> int:
    """Beat: remind people going to meetups that start within a day (idempotent)."""
    return send_due_reminders()


@shared_task(name="meetups.generate_events")
def generate_events_task() -> int:
    """Beat: create the dates of every recurring series for the next 90 days (idempotent)."""
    return generate_all_series()
