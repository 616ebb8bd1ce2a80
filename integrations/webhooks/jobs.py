"""Periodic job of webhooks: kick every queue with a due delivery (retries hours away, queues of
a worker that died, kicks lost with a broker outage)."""

from __future__ import annotations

from celery import shared_task

from .services import subscriptions_due
from .tasks import dispatch_later


@shared_task(name="webhooks.deliveries_sweep", ignore_result=True)
def deliveries_sweep() -> int:
    """Queue one dispatch task per subscription with a due delivery; returns how many."""
    due = subscriptions_due()
    for subscription_id in due:
        dispatch_later(subscription_id)
    return len(due)
