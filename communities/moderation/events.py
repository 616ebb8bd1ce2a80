"""The domain events of moderation and screening, recorded in the outbox.

Subscribers: ``communities.inbox.receivers`` (the managers' inbox items, in the transaction).

======================  ==================================================================================
event                   payload
======================  ==================================================================================
``report.opened``       report_id, community_id, post_id, comment_id, summary (also when a report joins an
                        open case)
``report.closed``       report_id, actor_id
``content.held``        community_id, post_id, comment_id, author_id, summary (screening held it)
``content.flagged``     community_id, post_id, comment_id, author_id, summary (screening flagged it)
``content.reviewed``    post_id, comment_id, actor_id, settled (the screening outcomes a moderator's
                        decision settles: "held_post", "flagged_post")
======================  ==================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from communities.moderation.models import Report
from communities.posts.models import Comment, Post
from intranet.core import outbox

REPORT_OPENED = "report.opened"
REPORT_CLOSED = "report.closed"
CONTENT_HELD = "content.held"
CONTENT_FLAGGED = "content.flagged"
CONTENT_REVIEWED = "content.reviewed"

outbox.declare(REPORT_OPENED, REPORT_CLOSED, CONTENT_HELD, CONTENT_FLAGGED, CONTENT_REVIEWED)


def report_opened(report: Report, *, community_id: int, summary: str) -> None:
    outbox.record(
        REPORT_OPENED,
        report_id=report.pk,
        community_id=community_id,
        post_id=report.post_id,
        comment_id=report.comment_id,
        summary=summary,
    )


def report_closed(report: Report, *, actor_id: int | None) -> None:
    outbox.record(REPORT_CLOSED, report_id=report.pk, actor_id=actor_id)


def content_screened(event_name: str, *, post: Post, comment: Comment | None, summary: str) -> None:
    """``content.held`` or ``content.flagged``."""
    outbox.record(
        event_name,
        community_id=post.community_id,
        post_id=post.pk,
        comment_id=comment.pk if comment is not None else None,
        author_id=comment.author_id if comment is not None else post.author_id,
        summary=summary,
    )


def content_reviewed(
    *, post: Post | None = None, comment: Comment | None = None, actor_id: int | None, settled: Iterable[str]
) -> None:
    settled = list(settled)
    if settled:
        outbox.record(
            CONTENT_REVIEWED,
            post_id=post.pk if post is not None else None,
            comment_id=comment.pk if comment is not None else None,
            actor_id=actor_id,
            settled=settled,
        )
