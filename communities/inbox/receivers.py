"""The inbox listens to memberships and mentions: outbox subscribers run in the writer's transaction.

Join requests and mentions of people who work a community's inbox become inbox items together
with the change (``TRANSACTION``): the request and its item exist together or not at all. The
payloads carry ids, so the handlers build id-only stand-ins instead of re-fetching what the
writer just wrote; a mention item loads its post (and comment) only when someone must be told.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from communities.core.models import Community, Membership
from communities.inbox.hooks import WORKING_ROLES, Kind, announce_on_commit, close_items, inbox_item_open, open_item
from communities.moderation.models import Report
from communities.posts.models import Comment, Post
from intranet.core.outbox import TRANSACTION, Event, subscriber


def _actor(user_id: int | None) -> Any:
    """The acting user as an id-only instance (``close_items`` reads its ``pk`` only)."""
    return get_user_model()(pk=user_id) if user_id else None


def _join_request_key(membership_id: int) -> str:
    return f"membership:{membership_id}"


@subscriber("membership.requested", name="communities.inbox.join_request_item_open", when=TRANSACTION)
def join_request_opened(event: Event) -> None:
    community = Community(pk=event["community_id"])
    membership = Membership(
        pk=event["membership_id"],
        community_id=event["community_id"],
        user_id=event["user_id"],
        request_message=event["message"],
    )
    inbox_item_open(
        community=community,
        kind=Kind.JOIN_REQUEST,
        key=_join_request_key(membership.pk),
        membership=membership,
        summary=event["message"],
    )


@subscriber("membership.decided", name="communities.inbox.join_request_item_decided", when=TRANSACTION)
def join_request_decided(event: Event) -> None:
    close_items(
        kind=Kind.JOIN_REQUEST,
        keys=[_join_request_key(event["membership_id"])],
        actor=_actor(event["actor_id"]),
        resolution="approved" if event["approved"] else "declined",
    )


@subscriber("membership.request_closed", name="communities.inbox.join_request_item_closed", when=TRANSACTION)
def join_request_closed(event: Event) -> None:
    close_items(
        kind=Kind.JOIN_REQUEST, keys=[_join_request_key(event["membership_id"])], actor=_actor(event["actor_id"])
    )


def mention_key(post_id: int, comment_id: int | None, user_id: int) -> str:
    return f"mention:{post_id}:{comment_id or 0}:{user_id}"


@subscriber("mentions.changed", name="communities.inbox.mention_items", when=TRANSACTION)
def mentions_changed(event: Event) -> None:
    """Open a personal item for each newly mentioned person who works the post's community inbox;
    close the items of people no longer mentioned."""
    post_id, comment_id = event["post_id"], event["comment_id"]
    removed = event["removed"]
    if removed:
        close_items(kind=Kind.MENTION, keys=[mention_key(post_id, comment_id, uid) for uid in removed])
    added = event["added"]
    if not added:
        return
    workers = sorted(
        Membership.objects.filter(
            community_id=event["community_id"],
            user_id__in=[uid for uid in added if uid != event["author_id"]],
            state=Membership.State.ACTIVE,
            role__in=WORKING_ROLES,
        ).values_list("user_id", flat=True)
    )
    if not workers:
        return
    post = Post.objects.select_related("community").get(pk=post_id)
    comment = Comment.objects.get(pk=comment_id) if comment_id is not None else None
    text = comment.body_source if comment is not None else post.title
    for uid in workers:
        open_item(
            community=post.community,
            kind=Kind.MENTION,
            key=mention_key(post_id, comment_id, uid),
            post=post,
            comment=comment,
            summary=text,
            for_user_id=uid,
        )


# Moderation: reports and screened content ---------------------------------------------------------


@subscriber("report.opened", name="communities.inbox.report_opened", when=TRANSACTION)
def report_opened(event: Event) -> None:
    report = Report.objects.select_related("post", "comment").get(pk=event["report_id"])
    inbox_item_open(
        community=Community(pk=event["community_id"]),
        kind=Kind.REPORT,
        key=f"report:{report.pk}",
        post=report.post,
        comment=report.comment,
        report=report,
        summary=event["summary"],
    )


@subscriber("report.closed", name="communities.inbox.report_closed", when=TRANSACTION)
def report_closed(event: Event) -> None:
    close_items(kind=Kind.REPORT, keys=[f"report:{event['report_id']}"], actor=_actor(event["actor_id"]))


def _content_key(event: Event) -> str:
    return f"comment:{event['comment_id']}" if event["comment_id"] is not None else f"post:{event['post_id']}"


@subscriber("content.held", "content.flagged", name="communities.inbox.content_screened", when=TRANSACTION)
def content_screened(event: Event) -> None:
    """Held content waits in the "held_post" queue, flagged content in "flagged_post"."""
    comment_id = event["comment_id"]
    post = Post(pk=event["post_id"], community_id=event["community_id"], author_id=event["author_id"])
    comment = Comment(pk=comment_id, post_id=post.pk, author_id=event["author_id"]) if comment_id else None
    inbox_item_open(
        community=Community(pk=event["community_id"]),
        kind=Kind.HELD_POST if event.name == "content.held" else Kind.FLAGGED_POST,
        key=_content_key(event),
        post=post,
        comment=comment,
        summary=event["summary"],
    )


@subscriber("content.reviewed", name="communities.inbox.content_reviewed", when=TRANSACTION)
def content_reviewed(event: Event) -> None:
    """A moderator's decision settles the held or flagged items of the content."""
    for kind in event["settled"]:
        close_items(kind=kind, keys=[_content_key(event)], actor=_actor(event["actor_id"]))


# Lifecycle: communities without an owner ----------------------------------------------------------


def _orphan_key(community_id: int) -> str:
    return f"owner_missing:{community_id}"


@subscriber("community.owner_missing", name="communities.inbox.owner_missing_escalated", when=TRANSACTION)
def owner_missing_escalated(event: Event) -> None:
    """Open (or refresh) the community's "owner missing" escalation so coordinators see it."""
    community_id = event["community_id"]
    now = dt.datetime.fromisoformat(event["at"])
    item = open_item(
        community=Community(pk=community_id),
        kind=Kind.ESCALATION,
        key=_orphan_key(community_id),
        summary=event["summary"],
        now=now,
    )
    if item is not None and item.escalated_at is None:
        item.escalated_at = now
        item.escalation_reason = event["reason"][:1000]
        item.save(update_fields=["escalated_at", "escalation_reason", "updated_at"])
        announce_on_commit([community_id], escalated=True)


@subscriber("handover.completed", name="communities.inbox.owner_missing_settled", when=TRANSACTION)
def owner_missing_settled(event: Event) -> None:
    """A coordinator's manual handover settles the "owner missing" escalation."""
    if event["kind"] != "manual":
        return
    close_items(
        kind=Kind.ESCALATION,
        keys=[_orphan_key(event["community_id"])],
        actor=_actor(event["actor_id"]),
        resolution="handed_over",
    )
