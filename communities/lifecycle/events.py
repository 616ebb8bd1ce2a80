"""The domain events of the lifecycle side (handovers, campaigns, merges), recorded in the outbox.

Subscribers: ``communities.lifecycle.notify`` (notifications, queued).

============================  ===============================================================
event                         payload
============================  ===============================================================
``handover.completed``        record_id, community_id, kind ("manual", "deactivation"), actor_id
``community.owner_missing``   community_id, summary, reason, at (ISO time): coordinators must look
``campaign.stage_reached``    case_ids, stage ("ask", "remind", "warn", "archived")
``community.merged``          record_id
``community.unmerged``        record_id
``community.orphaned``        community_id, token (no successor: the coordinators are told)
``merge.requested``           community_id, token (an owner asked the coordinators to merge)
============================  ===============================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from communities.lifecycle.models import HandoverRecord, MergeRecord
from intranet.core import outbox

HANDOVER_COMPLETED = "handover.completed"
CAMPAIGN_STAGE_REACHED = "campaign.stage_reached"
COMMUNITY_MERGED = "community.merged"
COMMUNITY_UNMERGED = "community.unmerged"
COMMUNITY_ORPHANED = "community.orphaned"
MERGE_REQUESTED = "merge.requested"
OWNER_MISSING = "community.owner_missing"

outbox.declare(
    HANDOVER_COMPLETED,
    CAMPAIGN_STAGE_REACHED,
    COMMUNITY_MERGED,
    COMMUNITY_UNMERGED,
    COMMUNITY_ORPHANED,
    MERGE_REQUESTED,
    OWNER_MISSING,
)


def handover_completed(record: HandoverRecord) -> None:
    outbox.record(
        HANDOVER_COMPLETED,
        record_id=record.pk,
        community_id=record.community_id,
        kind=record.kind,
        actor_id=record.by_id,
    )


def owner_missing(community_id: int, *, summary: str, reason: str, at: dt.datetime) -> None:
    outbox.record(OWNER_MISSING, community_id=community_id, summary=summary, reason=reason, at=at.isoformat())


def campaign_stage_reached(case_ids: Iterable[int], stage: str) -> None:
    ids = sorted(case_ids)
    if ids:
        outbox.record(CAMPAIGN_STAGE_REACHED, case_ids=ids, stage=stage)


def community_merged(record: MergeRecord) -> None:
    outbox.record(COMMUNITY_MERGED, record_id=record.pk)


def community_unmerged(record: MergeRecord) -> None:
    outbox.record(COMMUNITY_UNMERGED, record_id=record.pk)


def coordinators_alerted(community_id: int, event_name: str) -> None:
    """``community.orphaned`` or ``merge.requested``; the token keeps one notice per second."""
    outbox.record(event_name, community_id=community_id, token=int(timezone.now().timestamp()))
