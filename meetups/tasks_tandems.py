"""Celery interfaces of the network and tandems: take ids, re-fetch, call one function."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="meetups.tandem_notify")
def tandem_notify_task(tandem_id: int, event: str, actor_id: int | None, token: int) -> None:
    from .notify_tandems import notify_tandem

    notify_tandem(tandem_id, event, actor_id, token)


@shared_task(name="meetups.tandem_suggestions_refresh")
def tandem_suggestions_refresh_task(community_ids: list[int] | None = None) -> int:
    """Recompute the stored tandem suggestions (nightly for all; on request for some)."""
    from .services_tandems import tandem_suggestions_refresh

    return tandem_suggestions_refresh(community_ids)
