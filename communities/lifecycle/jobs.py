"""Periodic (beat) jobs of the lifecycle side: they call the lifecycle services."""

from __future__ import annotations

from celery import shared_task

from communities.lifecycle.services import campaign_start, lifecycle_tick


@shared_task(name="communities.lifecycle_tick")
def lifecycle_tick_task() -> dict[str, int]:
    """Daily: remind, warn and archive along the open lifecycle cases."""
    return lifecycle_tick()


@shared_task(name="communities.lifecycle_campaign_weekly")
def lifecycle_campaign_weekly_task() -> int | None:
    """Weekly: ask the owners of newly dormant communities whether they are still needed."""
    campaign = campaign_start(actor=None)
    return campaign.pk if campaign is not None else None
