"""The domain events of posts, comments and reactions, recorded in the outbox.

The post, comment and reaction services (and moderation, when it publishes held content or hides
and restores a post) call these helpers inside their transaction. Subscribers:
``communities.posts.notify`` (notifications, queued), ``communities.posts.realtime`` (live
updates, on commit) and ``communities.inbox.receivers`` (mention items, in the transaction).

==========================  ===========================================================================
event                       payload
==========================  ===========================================================================
``post.created``            post_id, community_id, author_id
``post.approved``           post_id, community_id, author_id (a held post published by a moderator)
``post.edited``             post_id, community_id, author_id, editor_id (a published post's text or
                            tags changed)
``post.deleted``            post_id, community_id, author_id, actor_id (a published post deleted)
``post.hidden``             post_id, community_id
``post.restored``           post_id, community_id
``post.counters_changed``   post_id, community_id, comment_count, reaction_count, reaction_counts
``comment.created``         comment_id, post_id, community_id, comment_count, reaction_count,
                            reaction_counts (the post's counters after the comment)
``comment.approved``        comment_id, post_id, community_id (a held comment published)
``mentions.changed``        post_id, comment_id, community_id, author_id, added, removed, edited
``answer.accepted``         post_id, comment_id, actor_id
``reaction.toggled``        post_id, comment_id, community_id, actor_id, added, reaction_count,
                            reaction_counts, comment_count (counters of the reacted post or comment)
==========================  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from communities.posts.models import Comment, Post
from intranet.core import outbox

POST_CREATED = "post.created"
POST_APPROVED = "post.approved"
POST_HIDDEN = "post.hidden"
POST_EDITED = "post.edited"
POST_DELETED = "post.deleted"
POST_RESTORED = "post.restored"
POST_COUNTERS_CHANGED = "post.counters_changed"
COMMENT_CREATED = "comment.created"
COMMENT_APPROVED = "comment.approved"
MENTIONS_CHANGED = "mentions.changed"
ANSWER_ACCEPTED = "answer.accepted"
REACTION_TOGGLED = "reaction.toggled"

outbox.declare(
    POST_CREATED,
    POST_APPROVED,
    POST_HIDDEN,
    POST_RESTORED,
    POST_COUNTERS_CHANGED,
    COMMENT_CREATED,
    COMMENT_APPROVED,
    MENTIONS_CHANGED,
    ANSWER_ACCEPTED,
    REACTION_TOGGLED,
    POST_EDITED,
    POST_DELETED,
)


def post_created(post: Post) -> None:
    outbox.record(POST_CREATED, post_id=post.pk, community_id=post.community_id, author_id=post.author_id)


def post_approved(post: Post) -> None:
    outbox.record(POST_APPROVED, post_id=post.pk, community_id=post.community_id, author_id=post.author_id)


def post_edited(post: Post, *, editor_id: int | None) -> None:
    outbox.record(
        POST_EDITED, post_id=post.pk, community_id=post.community_id, author_id=post.author_id, editor_id=editor_id
    )


def post_deleted(post: Post, *, actor_id: int | None) -> None:
    outbox.record(
        POST_DELETED, post_id=post.pk, community_id=post.community_id, author_id=post.author_id, actor_id=actor_id
    )


def post_visibility_changed(post: Post, event_name: str) -> None:
    """``post.hidden`` or ``post.restored``."""
    outbox.record(event_name, post_id=post.pk, community_id=post.community_id)


def post_counters_changed(post: Post, *, comment_count: int, reaction_count: int, reaction_counts: Any) -> None:
    outbox.record(
        POST_COUNTERS_CHANGED,
        post_id=post.pk,
        community_id=post.community_id,
        comment_count=comment_count,
        reaction_count=reaction_count,
        reaction_counts=dict(reaction_counts or {}),
    )


def comment_created(comment: Comment, post: Post, *, comment_count: int) -> None:
    outbox.record(
        COMMENT_CREATED,
        comment_id=comment.pk,
        post_id=post.pk,
        community_id=post.community_id,
        comment_count=comment_count,
        reaction_count=post.reaction_count,
        reaction_counts=dict(post.reaction_counts or {}),
    )


def comment_approved(comment: Comment, *, community_id: int) -> None:
    outbox.record(COMMENT_APPROVED, comment_id=comment.pk, post_id=comment.post_id, community_id=community_id)


def mentions_changed(
    *, post: Post, comment: Comment | None, added: Iterable[int], removed: Iterable[int], edited: bool
) -> None:
    outbox.record(
        MENTIONS_CHANGED,
        post_id=post.pk,
        comment_id=comment.pk if comment is not None else None,
        community_id=post.community_id,
        author_id=comment.author_id if comment is not None else post.author_id,
        added=sorted(set(added)),
        removed=sorted(set(removed)),
        edited=edited,
    )


def answer_accepted(post: Post, comment: Comment, actor_id: int | None) -> None:
    outbox.record(ANSWER_ACCEPTED, post_id=post.pk, comment_id=comment.pk, actor_id=actor_id)


def reaction_toggled(
    *, post: Post | None, comment: Comment | None, community_id: int | None, actor_id: int, added: bool
) -> None:
    target: Post | Comment | None = post if post is not None else comment
    assert target is not None
    outbox.record(
        REACTION_TOGGLED,
        post_id=post.pk if post is not None else comment.post_id if comment is not None else None,
        comment_id=comment.pk if comment is not None else None,
        community_id=community_id,
        actor_id=actor_id,
        added=added,
        reaction_count=target.reaction_count,
        reaction_counts=dict(target.reaction_counts or {}),
        comment_count=post.comment_count if post is not None else None,
    )
