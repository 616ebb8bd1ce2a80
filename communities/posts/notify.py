"""Who hears about posts, comments, answers and reactions (the fan-out work, run queued).

The post services record outbox events (``communities.posts.events``); the subscribers below run
after commit in a worker, compute the recipients from the committed state and hand them to
:func:`intranet.notifications.services.notify` (unique per recipient and event, so a delivery that
runs twice notifies nobody twice). The kinds are registered in ``communities.core.notify``.

Rules: nobody hears about their own action; nobody is told about content they cannot read (in
private and secret communities only active members); one event reaches one person once, through the
most specific kind (a mention beats a reply, a reply to one's comment beats a comment on one's post).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from communities.core.models import Community, Membership
from communities.core.notify import (
    ACCEPTED,
    ANNOUNCEMENT,
    ANSWER,
    MENTION,
    NEW_POST,
    REACTIONS,
    REPLY,
    person_name,
    scope_of,
    user_brief,
)
from communities.core.permissions import readers_of_community
from communities.posts import events
from communities.posts.models import Comment, ContentStatus, Mention, Post, Reaction
from intranet.core.outbox import Event, subscriber
from intranet.notifications.services import notify

State = Membership.State
Level = Membership.NotificationLevel


def _post_url(post: Post, comment: Comment | None = None) -> str:
    url = reverse("communities:post_detail", kwargs={"pk": post.pk})
    return f"{url}#comment-{comment.pk}" if comment is not None else url


def _readers(community: Community, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who may read ``community``'s content now (one query)."""
    ids = {uid for uid in user_ids if uid}
    if not ids:
        return set()
    return set(readers_of_community(community).filter(pk__in=ids).values_list("pk", flat=True))


def _live_post(post_id: int) -> Post | None:
    post = Post.objects.select_related("community", "author").filter(pk=post_id).first()
    if post is None or post.deleted_at is not None or post.status != ContentStatus.PUBLISHED:
        return None
    return post


def _post_params(post: Post, actor: Any) -> dict[str, Any]:
    return {"actor": person_name(actor), "title": post.title, "community": post.community.name}


def _notify_mentions(post: Post, comment: Comment | None) -> set[int]:
    rows = Mention.objects.filter(post=post, comment=comment) if comment else post.mentions.filter(comment=None)
    author = comment.author if comment else post.author
    recipients = _readers(post.community, set(rows.values_list("user_id", flat=True)) - {author.pk})
    if recipients:
        notify(
            recipient_ids=recipients,
            kind=MENTION,
            event_key=f"comment.mention:{comment.pk}" if comment else f"post.mention:{post.pk}",
            actor=author,
            scope=scope_of(post.community_id),
            url=_post_url(post, comment),
            params={**_post_params(post, author), "in": "comment" if comment else "post"},
        )
    return recipients


def notify_post_created(post_id: int) -> None:
    """Mentions, then everyone who follows the community: announcements reach all active members
    who have not muted it, other posts the members at level "all" (computed now, in the task)."""
    post = _live_post(post_id)
    if post is None:
        return
    mentioned = _notify_mentions(post, None)
    community = post.community
    members = Membership.objects.filter(community=community, state=State.ACTIVE)
    is_announcement = post.kind == Post.Kind.ANNOUNCEMENT
    if is_announcement:
        members = members.exclude(notification_level=Level.MUTED)
    else:
        members = members.filter(notification_level=Level.ALL)
    recipients = set(members.values_list("user_id", flat=True)) - mentioned - {post.author_id}
    notify(
        recipient_ids=recipients,
        kind=ANNOUNCEMENT if is_announcement else NEW_POST,
        event_key=f"post.created:{post.pk}",
        actor=post.author,
        scope=scope_of(community.pk),
        url=_post_url(post),
        params=_post_params(post, post.author),
    )


def notify_mentions(post_id: int, comment_id: int | None) -> None:
    """People newly mentioned by an edit (those mentioned before already have their row)."""
    post = _live_post(post_id)
    if post is None:
        return
    comment = None
    if comment_id is not None:
        comment = Comment.objects.select_related("author").filter(pk=comment_id, post=post).first()
        if comment is None or comment.deleted_at is not None or comment.status != ContentStatus.PUBLISHED:
            return
    _notify_mentions(post, comment)


def notify_comment_created(comment_id: int) -> None:
    """Mentions in the comment, the author of the comment replied to, and the post's author
    (an answer, on questions)."""
    comment = Comment.objects.select_related("author", "parent").filter(pk=comment_id).first()
    if comment is None or comment.deleted_at is not None or comment.status != ContentStatus.PUBLISHED:
        return
    post = _live_post(comment.post_id)
    if post is None:
        return
    comment.post = post
    done = _notify_mentions(post, comment) | {comment.author_id}
    readers = _readers(post.community, {post.author_id, comment.parent.author_id if comment.parent else 0})
    scope = scope_of(post.community_id)
    params = _post_params(post, comment.author)
    parent = comment.parent
    if parent is not None and parent.deleted_at is None and parent.author_id not in done:
        if parent.author_id in readers:
            notify(
                recipient_ids=[parent.author_id],
                kind=REPLY,
                event_key=f"comment.reply:{comment.pk}",
                actor=comment.author,
                scope=scope,
                url=_post_url(post, comment),
                params={**params, "to": "comment"},
            )
        done.add(parent.author_id)
    if post.author_id not in done and post.author_id in readers:
        answer = post.kind == Post.Kind.QUESTION and parent is None
        notify(
            recipient_ids=[post.author_id],
            kind=ANSWER if answer else REPLY,
            event_key=f"{'question.answer' if answer else 'post.reply'}:{comment.pk}",
            actor=comment.author,
            scope=scope,
            url=_post_url(post, comment),
            params={**params, "to": "post"},
        )


def notify_answer_accepted(post_id: int, comment_id: int, actor_id: int | None) -> None:
    post = _live_post(post_id)
    if post is None or post.accepted_comment_id != comment_id:
        return
    comment = Comment.objects.select_related("author").get(pk=comment_id)
    if comment.author_id == actor_id or comment.author_id not in _readers(post.community, [comment.author_id]):
        return
    actor = post.author if post.author_id == actor_id else user_brief(actor_id)
    notify(
        recipient_ids=[comment.author_id],
        kind=ACCEPTED,
        event_key=f"answer.accepted:{comment.pk}",
        actor=actor_id,
        scope=scope_of(post.community_id),
        url=_post_url(post, comment),
        params=_post_params(post, actor),
    )


def notify_post_reacted(post_id: int, actor_id: int) -> None:
    """One row per post for its author: it counts the people who reacted and comes back unread."""
    post = _live_post(post_id)
    if post is None or post.author_id == actor_id or post.author_id not in _readers(post.community, [post.author_id]):
        return
    reactors = (
        Reaction.objects.filter(post=post, comment__isnull=True)
        .exclude(user_id=post.author_id)
        .values("user_id")
        .distinct()
        .count()
    )
    if not reactors:
        return
    notify(
        recipient_ids=[post.author_id],
        kind=REACTIONS,
        event_key=f"post.reactions:{post.pk}",
        actor=actor_id,
        scope=scope_of(post.community_id),
        url=_post_url(post),
        params=_post_params(post, user_brief(actor_id)),
        count=reactors,
        batch=True,
    )


# Subscribers (run queued, once per event) -------------------------------------------------------------


@subscriber(events.POST_CREATED, events.POST_APPROVED, name="communities.posts.notify_created")
def on_post_created(event: Event) -> None:
    notify_post_created(event["post_id"])


@subscriber(events.MENTIONS_CHANGED, name="communities.posts.notify_mentions")
def on_mentions_changed(event: Event) -> None:
    # A new post or comment notifies its mentions with the post or comment itself.
    if event["edited"] and event["added"]:
        notify_mentions(event["post_id"], event["comment_id"])


@subscriber(events.COMMENT_CREATED, events.COMMENT_APPROVED, name="communities.posts.notify_comment")
def on_comment_created(event: Event) -> None:
    notify_comment_created(event["comment_id"])


@subscriber(events.ANSWER_ACCEPTED, name="communities.posts.notify_answer_accepted")
def on_answer_accepted(event: Event) -> None:
    notify_answer_accepted(event["post_id"], event["comment_id"], event["actor_id"])


@subscriber(events.REACTION_TOGGLED, name="communities.posts.notify_reaction")
def on_reaction_toggled(event: Event) -> None:
    if event["added"] and event["comment_id"] is None:
        notify_post_reacted(event["post_id"], event["actor_id"])
