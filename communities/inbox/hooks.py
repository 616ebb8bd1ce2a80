"""The inbox's own writes that other parts of communities reach: open and close items.

Moderation and screening call these functions inside their own transaction; memberships and
mentions reach them through the outbox (``communities.inbox.receivers``, in the same transaction).
The inbox owns what happens next. Both main hooks are idempotent: opening an item that is already
open for ``(community, kind, key)`` only refreshes it, closing an item that is not open does nothing.
The people who work the inbox hear about the change after commit (``inbox.changed`` to their
``user.<id>`` groups); the recipients are looked up only then, so the writer's transaction pays
one insert or update and nothing else.

Kinds: "report", "held_post", "join_request", "unanswered_question", "mention", "flagged_post",
"escalation". Keys: "report:<id>", "post:<id>", "membership:<id>", "comment:<id>", ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from communities.core.models import Community, Membership
from communities.core.permissions import coordinators_of
from communities.inbox import events
from communities.inbox.models import InboxItem, InboxSettings
from communities.inbox.service_hours import ServiceHours, add_service_time

if TYPE_CHECKING:
    from intranet.accounts.models import User

Kind = InboxItem.Kind
Status = InboxItem.Status
Role = Membership.Role

#: Roles that work a community's inbox; join requests need managers (they decide on members).
WORKING_ROLES = (Role.MODERATOR, Role.MANAGER, Role.OWNER)
DECIDING_ROLES = (Role.MANAGER, Role.OWNER)
SUMMARY_MAX = 300


# Settings and the service-level timer -------------------------------------------------------------


def inbox_settings_for(community: Community) -> InboxSettings:
    """The community's inbox settings, or an unsaved row with the defaults (one query unless the
    relation was loaded with ``select_related("inbox_settings")``)."""
    try:
        return community.inbox_settings  # type: ignore[no-any-return]
    except InboxSettings.DoesNotExist:
        return InboxSettings(community=community)


def service_hours_of(config: InboxSettings) -> ServiceHours:
    return ServiceHours.build(
        tz=config.time_zone,
        days=config.service_days or range(7),
        start_hour=config.service_start_hour,
        end_hour=config.service_end_hour,
    )


def first_response_due(config: InboxSettings, opened_at: dt.datetime) -> dt.datetime:
    """When the first response to an item opened at ``opened_at`` is due (service time only)."""
    return add_service_time(opened_at, dt.timedelta(minutes=config.first_response_minutes), service_hours_of(config))


# Telling the people who work the inbox ------------------------------------------------------------


def inbox_recipient_ids(community_ids: Iterable[int], *, escalated: bool = False) -> set[int]:
    """Users whose inbox counts may change when items of ``community_ids`` change (one or two queries)."""
    community_ids = sorted(set(community_ids))
    ids = set(
        Membership.objects.filter(
            community_id__in=community_ids, state=Membership.State.ACTIVE, role__in=WORKING_ROLES
        ).values_list("user_id", flat=True)
    )
    if escalated:
        # Escalated items reach the coordinators whose scope covers the community.
        ids.update(coordinators_of(community_ids).values_list("pk", flat=True))
    return ids


def announce_on_commit(
    community_ids: Iterable[int], *, escalated: bool = False, user_ids: Iterable[int | None] = ()
) -> None:
    """Record ``inbox.changed``: after commit everyone who works these communities' inboxes hears
    about it (``communities.inbox.realtime``).

    The live event is a hint without counts (counts differ per person): pages re-fetch their counter.
    """
    events.inbox_changed(community_ids, escalated=escalated, user_ids=user_ids)


# The hooks --------------------------------------------------------------------------------------


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _member_of(post: Any, comment: Any, membership: Any, report: Any) -> int | None:
    if comment is not None:
        return comment.author_id  # type: ignore[no-any-return]
    if post is not None:
        return post.author_id  # type: ignore[no-any-return]
    if membership is not None:
        return membership.user_id  # type: ignore[no-any-return]
    if report is not None:
        return getattr(report, "target_author_id", None)
    return None


def open_item(
    *,
    community: Community,
    kind: str,
    key: str,
    post: Any = None,
    comment: Any = None,
    membership: Any = None,
    report: Any = None,
    summary: str = "",
    for_user_id: int | None = None,
    now: dt.datetime | None = None,
    config: InboxSettings | None = None,
) -> InboxItem | None:
    """Open the item for ``(community, kind, key)`` or refresh the open one; returns the open row.

    Takes the partial unique index as the arbiter: a concurrent opener's row wins and this call
    only refreshes it.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown inbox item kind {kind!r}.")
    now = now or timezone.now()
    fields: dict[str, Any] = {}
    if summary:
        fields["summary"] = _summary(summary)
    for name, value in (("post", post), ("comment", comment), ("membership", membership), ("report", report)):
        if value is not None:
            fields[name] = value
    open_rows = InboxItem.objects.filter(community=community, kind=kind, key=key).exclude(status=Status.DONE)
    existing = open_rows.first()
    if existing is None:
        config = config or inbox_settings_for(community)
        item = InboxItem(
            community=community,
            kind=kind,
            key=key,
            member_id=_member_of(post, comment, membership, report),
            for_user_id=for_user_id,
            opened_at=now,
            first_response_due_at=first_response_due(config, now),
            **fields,
        )
        try:
            with transaction.atomic():
                item.save(force_insert=True)
        except IntegrityError:  # lost a race with a concurrent opener: refresh theirs
            existing = open_rows.first()
        else:
            announce_on_commit([community.pk], user_ids=[for_user_id])
            return item
    if existing is not None and fields:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=[*fields, "updated_at"])
    return existing


def close_items(*, kind: str, keys: Iterable[str], actor: User | None = None, resolution: str = "closed") -> int:
    """Mark the open items of ``kind`` with these keys done; returns how many were open."""
    keys = list(keys)
    if not keys:
        return 0
    now = timezone.now()
    rows = InboxItem.objects.filter(kind=kind, key__in=keys).exclude(status=Status.DONE)
    touched = list(rows.values_list("community_id", "escalated_at", "assignee_id", "for_user_id"))
    if not touched:
        return 0
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    closed = rows.update(
        status=Status.DONE, resolved_at=now, resolved_by_id=actor_id, resolution=resolution, updated_at=now
    )
    announce_on_commit(
        [row[0] for row in touched],
        escalated=any(row[1] is not None for row in touched),
        user_ids=[uid for row in touched for uid in row[2:]],
    )
    return closed


def inbox_item_open(
    *,
    community: Community,
    kind: str,
    key: str,
    post: Any = None,
    comment: Any = None,
    membership: Any = None,
    report: Any = None,
    summary: str = "",
) -> None:
    """Open (or keep open) the inbox item for ``(community, kind, key)``; call inside the writer's
    transaction. The managers are told after commit."""
    open_item(
        community=community,
        kind=kind,
        key=key,
        post=post,
        comment=comment,
        membership=membership,
        report=report,
        summary=summary,
    )


def inbox_item_close(*, kind: str, key: str, actor: User | None = None) -> None:
    """Close the open inbox item for ``(kind, key)`` if there is one (it was dealt with elsewhere)."""
    close_items(kind=kind, keys=[key], actor=actor)
