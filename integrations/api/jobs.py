"""Beat jobs of the API."""

from __future__ import annotations

from celery import shared_task

from .idempotency import idempotent_requests_purge


@shared_task(name="api.idempotency_purge")
def idempotency_purge_task() -> int:
    """Forget the answers of idempotent API requests past their retention."""
    return idempotent_requests_purge()
