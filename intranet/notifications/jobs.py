"""Periodic (beat) jobs of notifications: the e-mail sweep and the digests; take primitives, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import emails


@shared_task(name="notifications.email_immediate_sweep")
def notification_email_sweep_task() -> int:
    """Catch "immediate" rows whose e-mail was lost (a crashed worker); beat runs it."""
    return emails.send_immediate(None)


@shared_task(name="notifications.digest_send", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def digest_send_task(delivery: str) -> int:
    """Send every waiting digest of ``delivery`` ("daily" or "weekly"); beat runs it."""
    return emails.send_digests(delivery)
