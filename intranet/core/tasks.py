"""Celery interfaces of the kernel: the outbox's delivery, sweep and purge; the purge of idempotency keys."""

from __future__ import annotations

from celery import shared_task

from . import idempotency, outbox


@shared_task(
    name="core.outbox_deliver",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=12,
)
def outbox_deliver_task(event_id: int, subscriber: str) -> bool:
    """Run one subscriber for one outbox event, once (its receipt makes a second run a no-op)."""
    return outbox.deliver(event_id, subscriber)


@shared_task(name="core.outbox_relay")
def outbox_relay_task() -> int:
    """Relay events whose relay after commit did not happen (broker down, process died)."""
    return outbox.relay_pending()


@shared_task(name="core.outbox_purge")
def outbox_purge_task() -> int:
    """Delete relayed events past their retention."""
    return outbox.purge()


@shared_task(name="core.idempotency_purge")
def idempotency_purge_task() -> int:
    """Forget the idempotency keys of creating forms past their retention."""
    return idempotency.purge()
