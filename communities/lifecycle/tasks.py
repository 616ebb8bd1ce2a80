"""Celery interfaces of the coordinator side (imported by ``CommunitiesConfig.ready`` so workers
register them): take ids, re-fetch, call one function; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from communities.lifecycle import notify as notify_console


@shared_task(name="communities.handover_notify")
def handover_notify_task(record_id: int) -> None:
    notify_console.notify_handover(record_id)


@shared_task(name="communities.campaign_notify")
def campaign_notify_task(case_ids: list[int], stage: str) -> None:
    notify_console.notify_campaign_stage(case_ids, stage)


@shared_task(name="communities.merge_notify")
def merge_notify_task(record_id: int, stage: str) -> None:
    notify_console.notify_merge(record_id, stage)


@shared_task(name="communities.coordinators_notify")
def coordinators_notify_task(community_id: int, event: str, token: int) -> None:
    notify_console.notify_coordinators(community_id, event, token)


@shared_task(name="communities.lifecycle_tick")
def lifecycle_tick_task() -> dict[str, int]:
    """Daily: remind, warn and archive along the open lifecycle cases."""
    from communities.lifecycle.services import lifecycle_tick

    return lifecycle_tick()


@shared_task(name="communities.lifecycle_campaign_weekly")
def lifecycle_campaign_weekly_task() -> int | None:
    """Weekly: ask the owners of newly dormant communities whether they are still needed."""
    from communities.lifecycle.services import campaign_start

    campaign = campaign_start(actor=None)
    return campaign.pk if campaign is not None else None
