"""Notifications of the coordinator side: handovers, lifecycle questions, merges, orphaned communities.

Kinds are registered in ``CommunitiesConfig.ready``; the functions below run in Celery tasks
(:mod:`communities.lifecycle.tasks`) and compute recipients from the committed state. Event keys make
them idempotent (a task that runs twice notifies nobody twice).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.core.models import Community, Membership
from communities.core.permissions import coordinator_ids_for
from communities.lifecycle import events
from communities.lifecycle.models import CampaignCase, HandoverRecord, MergeRecord
from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

HANDOVER = "community.handover"
LIFECYCLE = "community.lifecycle"
COORDINATION = "community.coordination"

Role = Membership.Role
State = Membership.State


def _handover_message(p: Mapping[str, Any], count: int) -> str:
    if p.get("automatic"):
        return _("You are now an owner of %(community)s: the previous owner's account was deactivated") % p
    return _("%(actor)s handed %(community)s over to you: you are now an owner") % p


def _lifecycle_message(p: Mapping[str, Any], count: int) -> str:
    stage = p.get("stage")
    if stage == "remind":
        return _("Reminder: is %(community)s still needed? Please answer by %(deadline)s") % p
    if stage == "warn":
        return _("%(community)s will be archived on %(deadline)s unless you answer") % p
    if stage == "archived":
        return _("%(community)s was archived: nobody answered whether it is still needed") % p
    if stage == "merged":
        return _("%(community)s was merged into %(target)s") % p
    if stage == "unmerged":
        return _("The merge of %(community)s into %(target)s was undone") % p
    return _("Is %(community)s still needed? Please answer by %(deadline)s") % p


def _coordination_message(p: Mapping[str, Any], count: int) -> str:
    if p.get("event") == "merge_requested":
        return _("The owners of %(community)s ask to merge it into another community") % p
    return _("%(community)s has no owner any more: please find a successor") % p


def register() -> None:
    register_kind(HANDOVER, gettext_lazy("Communities handed over to me"), Delivery.IMMEDIATE, _handover_message)
    register_kind(
        LIFECYCLE,
        gettext_lazy("Questions about the future of my communities"),
        Delivery.IMMEDIATE,
        _lifecycle_message,
    )
    register_kind(
        COORDINATION,
        gettext_lazy("Communities that need a coordinator (coordinators)"),
        Delivery.IMMEDIATE,
        _coordination_message,
    )


def _owner_ids(community_id: int) -> list[int]:
    return list(
        Membership.objects.filter(community_id=community_id, state=State.ACTIVE, role=Role.OWNER).values_list(
            "user_id", flat=True
        )
    )


def _console_url(community: Community) -> str:
    return reverse("communities:console_community", kwargs={"pk": community.pk})


def notify_handover(record_id: int) -> None:
    record = HandoverRecord.objects.select_related("community", "by").filter(pk=record_id).first()
    if record is None:
        return
    community = record.community
    notify(
        recipient_ids=[record.to_user_id],
        kind=HANDOVER,
        event_key=f"community.handover:{record.pk}",
        actor=record.by_id,
        url=reverse("communities:community_detail", kwargs={"slug": community.slug}),
        params={
            "community": community.name,
            "actor": str(record.by) if record.by else "",
            "automatic": record.kind == HandoverRecord.Kind.DEACTIVATION,
        },
    )


def notify_campaign_stage(case_ids: list[int], stage: str) -> None:
    """The owners of each case's community hear about the question, reminder, warning or archive."""
    cases = CampaignCase.objects.select_related("community").filter(pk__in=case_ids)
    for case in cases:
        if stage in ("ask", "remind", "warn") and (case.closed_at is not None or case.answered_at is not None):
            continue
        community = case.community
        notify(
            recipient_ids=_owner_ids(community.pk),
            kind=LIFECYCLE,
            event_key=f"community.lifecycle:{case.pk}:{stage}",
            url=reverse("communities:console_case_answer", kwargs={"pk": case.pk}),
            params={"community": community.name, "stage": stage, "deadline": case.deadline.date().isoformat()},
        )


def notify_merge(record_id: int, stage: str) -> None:
    record = MergeRecord.objects.select_related("source", "target").filter(pk=record_id).first()
    if record is None:
        return
    recipients = set(_owner_ids(record.source_id)) | set(_owner_ids(record.target_id))
    notify(
        recipient_ids=recipients,
        kind=LIFECYCLE,
        event_key=f"community.merge:{record.pk}:{stage}",
        actor=record.reversed_by_id if stage == "unmerged" else record.by_id,
        url=reverse("communities:community_detail", kwargs={"slug": record.target.slug}),
        params={"community": record.source.name, "target": record.target.name, "stage": stage},
    )


def notify_coordinators(community_id: int, event: str, token: int) -> None:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return
    notify(
        recipient_ids=coordinator_ids_for(community),
        kind=COORDINATION,
        event_key=f"community.coordination:{community.pk}:{event}:{token}",
        url=_console_url(community),
        params={"community": community.name, "event": event},
    )


# Subscribers (run queued, once per event) -------------------------------------------------------------


@subscriber(events.HANDOVER_COMPLETED, name="communities.lifecycle.notify_handover")
def on_handover_completed(event: Event) -> None:
    notify_handover(event["record_id"])


@subscriber(events.CAMPAIGN_STAGE_REACHED, name="communities.lifecycle.notify_campaign_stage")
def on_campaign_stage_reached(event: Event) -> None:
    notify_campaign_stage(event["case_ids"], event["stage"])


@subscriber(events.COMMUNITY_MERGED, events.COMMUNITY_UNMERGED, name="communities.lifecycle.notify_merge")
def on_merge_changed(event: Event) -> None:
    notify_merge(event["record_id"], "merged" if event.name == events.COMMUNITY_MERGED else "unmerged")


#: The coordinator notice's ``event`` parameter (kept from the old task) per outbox event.
_COORDINATION = {events.COMMUNITY_ORPHANED: "orphaned", events.MERGE_REQUESTED: "merge_requested"}


@subscriber(events.COMMUNITY_ORPHANED, events.MERGE_REQUESTED, name="communities.lifecycle.notify_coordinators")
def on_coordinators_alerted(event: Event) -> None:
    notify_coordinators(event["community_id"], _COORDINATION[event.name], event["token"])
