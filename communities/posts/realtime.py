"""Posts on the websocket: the ``post.<id>`` topic and the live updates of posts and comments.

Topic (registered from :meth:`communities.apps.CommunitiesConfig.ready`): ``post.<id>`` carries
``comment.created``, ``post.counters``, ``comment.counters``, ``post.hidden`` and ``post.restored``
of one post, for whoever may see the post (:func:`~communities.posts.permissions.can_view_post`); its
parent is the post's community, so revoking the community revokes the post page too.

The subscribers below turn the outbox events of ``communities.posts.events`` into those messages
right after commit (``COMMIT``). Payloads carry ids and public counters only; the pages re-fetch
cards and comments through the normal permission-checked views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from communities.core.realtime import community_topic
from communities.posts import events
from communities.posts.models import Post
from communities.posts.permissions import can_view_post
from intranet.core import realtime as kernel
from intranet.core.outbox import COMMIT, Event, subscriber
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User


def post_topic(post_id: int) -> str:
    return f"post.{post_id}"


def may_receive_post(user: User, post_id: int) -> bool:
    """Whether ``user`` may receive the events of ``post.<id>`` (missing answers ``False``)."""
    post = (
        Post.objects.select_related("community")
        .defer("search_vector", "body_source", "body_html", "body_text", "community__search_vector")
        .filter(pk=post_id)
        .first()
    )
    return post is not None and can_view_post(Viewer(user), post)


def post_parents(post_id: int) -> list[str]:
    community_id = Post.objects.filter(pk=post_id).values_list("community_id", flat=True).first()
    return [community_topic(community_id)] if community_id else []


def register_topics() -> None:
    kernel.register_topic("post", may_receive_post, parents=post_parents)


# Live updates (run right after commit) -----------------------------------------------------------


def _publish_post_counters(event: Event) -> None:
    message: dict[str, Any] = {
        "type": "post.counters",
        "post_id": event["post_id"],
        "comment_count": event["comment_count"],
        "reaction_count": event["reaction_count"],
        "reaction_counts": dict(event["reaction_counts"] or {}),
    }
    kernel.publish(post_topic(event["post_id"]), message)
    kernel.publish(community_topic(event["community_id"]), message)


@subscriber(events.POST_CREATED, events.POST_APPROVED, name="communities.posts.live_created", when=COMMIT)
def publish_post_created(event: Event) -> None:
    message = {"type": "post.created", "post_id": event["post_id"], "community_id": event["community_id"]}
    kernel.publish(community_topic(event["community_id"]), message)


@subscriber(events.POST_HIDDEN, events.POST_RESTORED, name="communities.posts.live_visibility", when=COMMIT)
def publish_post_visibility(event: Event) -> None:
    """``post.hidden`` or ``post.restored`` for the post's community (streams and feeds) and its page.

    Who still sees the post differs per reader (its author and moderators do), so the event is only
    a hint: open pages re-fetch the card through the permission-checked ``post_card`` view and drop
    or grey it when that answers 404.
    """
    message = {"type": event.name, "post_id": event["post_id"], "community_id": event["community_id"]}
    kernel.publish(community_topic(event["community_id"]), message)
    kernel.publish(post_topic(event["post_id"]), message)


@subscriber(events.POST_COUNTERS_CHANGED, name="communities.posts.live_counters", when=COMMIT)
def publish_post_counters(event: Event) -> None:
    _publish_post_counters(event)


@subscriber(events.COMMENT_CREATED, name="communities.posts.live_comment", when=COMMIT)
def publish_comment_created(event: Event) -> None:
    created = {"type": "comment.created", "post_id": event["post_id"], "comment_id": event["comment_id"]}
    kernel.publish(community_topic(event["community_id"]), created)
    kernel.publish(post_topic(event["post_id"]), created)
    _publish_post_counters(event)


@subscriber(events.COMMENT_APPROVED, name="communities.posts.live_comment_approved", when=COMMIT)
def publish_comment_approved(event: Event) -> None:
    created = {"type": "comment.created", "post_id": event["post_id"], "comment_id": event["comment_id"]}
    kernel.publish(community_topic(event["community_id"]), created)


@subscriber(events.REACTION_TOGGLED, name="communities.posts.live_reaction", when=COMMIT)
def publish_reaction_counters(event: Event) -> None:
    if event["comment_id"] is None:
        _publish_post_counters(event)
        return
    kernel.publish(
        post_topic(event["post_id"]),
        {
            "type": "comment.counters",
            "post_id": event["post_id"],
            "comment_id": event["comment_id"],
            "reaction_count": event["reaction_count"],
            "reaction_counts": dict(event["reaction_counts"] or {}),
        },
    )
