"""Communities on the websocket: the community and feed topics (posts add ``post.<id>``).

Topics (registered from :meth:`communities.apps.CommunitiesConfig.ready`):

* ``community.<id>``: ``post.created``, ``comment.created``, ``post.counters``, ``post.hidden`` and
  ``post.restored`` of the community,
  for whoever may read its content (:func:`~communities.core.permissions.can_read_community_content`);
* ``post.<id>``: ``comment.created``, ``post.counters``, ``comment.counters``, ``post.hidden`` and
  ``post.restored`` of one post, for
  whoever may see the post (:func:`~communities.posts.permissions.can_view_post`); its parent is
  the post's community, so revoking the community revokes the post page too;
* ``feed`` (aggregate): ``community.<id>`` of the viewer's active memberships, the most recently
  active first, for the home feed (one query).

Payloads carry ids and public counters only; the pages re-fetch cards and comments through the
normal permission-checked views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communities.core.models import Community, Membership
from communities.core.permissions import can_read_community_content
from intranet.core.access import access_changed
from intranet.core.realtime import register_aggregate_topic, register_topic
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

#: Communities the home feed listens to at most (the most recently active of the viewer's).
FEED_TOPIC_LIMIT = 150


def community_topic(community_id: int) -> str:
    return f"community.{community_id}"


# Access checks (run by the consumer in a worker thread) ------------------------------------------


def may_receive_community(user: User, community_id: int) -> bool:
    """Whether ``user`` may receive the events of ``community.<id>`` (missing answers ``False``)."""
    community = Community.objects.defer("search_vector").filter(pk=community_id).first()
    return community is not None and can_read_community_content(Viewer(user), community)


def feed_topics(user: User) -> list[str]:
    """``community.<id>`` of the user's active memberships, most recently active first (one query)."""
    ids = (
        Membership.objects.filter(user_id=user.pk, state=Membership.State.ACTIVE)
        .order_by("-community__last_activity_at", "-community_id")
        .values_list("community_id", flat=True)[:FEED_TOPIC_LIMIT]
    )
    return [community_topic(pk) for pk in ids]


def register_topics() -> None:
    register_topic("community", may_receive_community)
    register_aggregate_topic("feed", feed_topics)


# Service side -----------------------------------------------------------------------------------


def member_access_changed(user_id: int, community_id: int, *, reason: str) -> None:
    """Call inside a membership write that may take ``user_id``'s read access away (left, removed,
    banned, another role): after commit their sockets re-check ``community.<id>`` and its posts
    with the registered checks and leave what they may no longer read."""
    access_changed(reason=reason, user_ids=[user_id], topic=community_topic(community_id))


def community_access_changed(community: Community, *, reason: str) -> None:
    """Call inside a community write that may take read access away from anyone (visibility,
    archive, merge): after commit every socket holding ``community.<id>`` or one of its posts
    re-checks it."""
    access_changed(reason=reason, topic=community_topic(community.pk))
