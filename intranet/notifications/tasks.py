"""Celery interfaces of notifications: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import emails


@shared_task(name="notifications.email_immediate", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_task(notification_ids: list[int]) -> int:
    """E-mail these "immediate" notifications (rows already mailed are skipped)."""
    return emails.send_immediate(notification_ids)


@shared_task(name="notifications.email_immediate_sweep")
def notification_email_sweep_task() -> int:
    """Catch "immediate" rows whose e-mail task was lost (broker restart); beat runs it."""
    return emails.send_immediate(None)


@shared_task(name="notifications.digest_send", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def digest_send_task(delivery: str) -> int:
    """Send every waiting digest of ``delivery`` ("daily" or "weekly"); beat runs it."""
    return emails.send_digests(delivery)
