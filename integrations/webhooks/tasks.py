"""Celery interface of webhooks: send a subscription's queue, one delivery after another.

The database holds the state (pending deliveries, their next attempt); a task message is only a
"look at this queue" hint, so a lost or doubled message costs nothing: the beat sweep
(:mod:`integrations.webhooks.jobs`) kicks every queue with a due delivery each minute.
"""

from __future__ import annotations

import math
from typing import Any

from celery import current_app, shared_task
from django.conf import settings

from .services import delivery_send_next

#: Deliveries one task sends before it hands the queue to a fresh task (other queues get a turn).
BATCH = 20
#: Retries closer than this are scheduled as task countdowns; later ones are left to the sweep
#: (a countdown longer than the broker's visibility timeout would be delivered twice).
MAX_COUNTDOWN = 300
#: A kick that found the queue busy looks again this much later, once.
RECHECK_SECONDS = 15


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def dispatch_later(subscription_id: int, *, countdown: float = 0, recheck: bool = True) -> None:
    """Kick the subscription's queue (in a worker; inline when Celery runs eagerly, where nothing
    is scheduled for later: the sweep or the caller sends what is not due yet)."""
    if _eager() and countdown:
        return
    options: dict[str, Any] = {"countdown": math.ceil(countdown)}
    queue = getattr(settings, "WEBHOOK_QUEUE", None)
    if queue:
        options["queue"] = queue
    subscription_dispatch_task.apply_async((subscription_id, recheck), **options)


@shared_task(name="webhooks.subscription_dispatch", ignore_result=True)
def subscription_dispatch_task(subscription_id: int, recheck: bool = True) -> int:
    """Send the subscription's due deliveries in order; returns how many attempts were made."""
    sent = 0
    for _ in range(BATCH):
        outcome = delivery_send_next(subscription_id=subscription_id)
        if outcome.sent:
            sent += 1
            continue
        if outcome.busy:
            if recheck and not _eager():
                dispatch_later(subscription_id, countdown=RECHECK_SECONDS, recheck=False)
        elif outcome.wait is not None and outcome.wait <= MAX_COUNTDOWN:
            dispatch_later(subscription_id, countdown=max(outcome.wait, 0.5))
        return sent
    dispatch_later(subscription_id)
    return sent
