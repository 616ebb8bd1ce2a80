"""Periodic (beat) job of inspiration tandems; the settings refer to its name."""

from __future__ import annotations

from celery import shared_task

from .services import tandem_suggestions_refresh


@shared_task(name="meetups.tandem_suggestions_refresh")
def tandem_suggestions_refresh_task(community_ids: list[int] | None = None) -> int:
    """Recompute the stored tandem suggestions (nightly for all; on request for some)."""
    return tandem_suggestions_refresh(community_ids)
