"""Celery interfaces of meetups: take ids, re-fetch, call one function; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import notify


@shared_task(name="meetups.rsvp_promoted_notify")
def rsvp_promoted_notify_task(event_id: int, user_ids: list[int]) -> int:
    """Tell people moved up from the waitlist that they have a seat now."""
    return notify.notify_promoted(event_id, user_ids)


@shared_task(name="meetups.event_cancelled_notify")
def event_cancelled_notify_task(event_id: int, actor_id: int | None) -> int:
    return notify.notify_cancelled(event_id, actor_id)


@shared_task(name="meetups.send_reminders")
def send_reminders_task() -> int:
    """Beat: remind people going to meetups that start within a day (idempotent)."""
    from .services import send_due_reminders

    return send_due_reminders()


@shared_task(name="meetups.generate_events")
def generate_events_task() -> int:
    """Beat: create the dates of every recurring series for the next 90 days (idempotent)."""
    from .services import generate_all_series

    return generate_all_series()
