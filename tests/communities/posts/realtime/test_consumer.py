"""Communities over real websockets (the whole ``intranet.asgi`` stack): who hears what, and when it stops.

Posts and comments are written through the real services, whose events go out on commit; the
database is transactional so the sockets' access checks (in worker threads) see committed rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from communities.core import services
from communities.models import Community, Membership, Post
from communities.posts import services as post_services
from intranet.accounts.models import User
from tests.core.ws import open_socket, receive_count, receive_until_marker, subscribe
from tests.factories import UserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

Visibility = Community.Visibility


@pytest.fixture(autouse=True)
def _roomy_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 2000}}
    }


def _crew(visibility: str = Visibility.PRIVATE) -> tuple[User, Community, User, User]:
    """An owner, their community, an invited-and-accepted member and an outsider."""
    owner, member, outsider = UserFactory.create(), UserFactory.create(), UserFactory.create()
    community = services.community_create(actor=owner, name="Night Shift", visibility=visibility)
    services.membership_invite(actor=owner, community=community, user=member)
    services.membership_accept_invitation(actor=member, community=community)
    return owner, community, member, outsider


def _write_posts(author: User, community: Community, count: int, prefix: str = "Post") -> list[Post]:
    return [
        post_services.post_create(actor=author, community=community, title=f"{prefix} {n}", body="Text")
        for n in range(count)
    ]


def _types(messages: list[dict[str, Any]]) -> list[str]:
    return [message["type"] for message in messages]


async def test_outsider_of_a_private_community_hears_nothing_of_a_hundred_posts():
    owner, community, member, outsider = await sync_to_async(_crew)()
    first = (await sync_to_async(_write_posts)(owner, community, 1, "Old"))[0]
    spy, connected, _ = await open_socket(outsider)
    assert connected
    insider, _, _ = await open_socket(member)
    # Every way in is refused alike: the community, one of its posts, and the feed has nothing of it.
    for topic in (f"community.{community.pk}", f"post.{first.pk}"):
        assert await subscribe(spy, topic) == {"type": "subscribe.refused", "topic": topic}
    assert await subscribe(spy, "feed") == {"type": "subscribed", "topic": "feed", "topics": []}
    assert (await subscribe(insider, f"community.{community.pk}"))["type"] == "subscribed"

    posts = await sync_to_async(_write_posts)(owner, community, 100)

    heard = await receive_until_marker(insider)
    assert [m["post_id"] for m in heard if m["type"] == "post.created"] == [p.pk for p in posts]
    assert await receive_until_marker(spy) == []
    await spy.disconnect()
    await insider.disconnect()


async def test_member_removed_mid_stream_hears_nothing_after_the_removal_commits():
    owner, community, member, _ = await sync_to_async(_crew)()
    post = (await sync_to_async(_write_posts)(owner, community, 1))[0]
    page, _, _ = await open_socket(member)  # a community page and a post page in one socket
    feed, _, _ = await open_socket(member)  # the home feed in another tab
    assert (await subscribe(page, f"community.{community.pk}"))["type"] == "subscribed"
    assert (await subscribe(page, f"post.{post.pk}"))["type"] == "subscribed"
    assert await subscribe(feed, "feed") == {
        "type": "subscribed",
        "topic": "feed",
        "topics": [f"community.{community.pk}"],
    }

    await sync_to_async(_write_posts)(owner, community, 3, "Before")
    await sync_to_async(post_services.comment_create)(actor=owner, post=post, body="Still with us?")
    assert _types(await receive_until_marker(page)).count("post.created") == 3
    assert "comment.created" in _types(await receive_until_marker(feed))

    membership = await sync_to_async(Membership.objects.get)(community=community, user=member)
    await sync_to_async(services.membership_remove)(actor=owner, membership=membership)
    # Right behind the removal, and before the sockets could read anything, more activity.
    await sync_to_async(_write_posts)(owner, community, 5, "After")
    await sync_to_async(post_services.comment_create)(actor=owner, post=post, body="Bye")
    await sync_to_async(post_services.reaction_toggle)(actor=owner, kind="like", post=post)

    assert _types(await receive_until_marker(page)) == ["topic.revoked", "topic.revoked"]
    assert _types(await receive_until_marker(feed)) == ["topic.revoked"]
    # The sockets stay open and left the groups: even a direct group send no longer reaches them.
    await get_channel_layer().group_send(
        f"community.{community.pk}",
        {"type": "realtime.event", "group": f"community.{community.pk}", "event": {"type": "x.late"}},
    )
    assert await receive_until_marker(page) == [] and await receive_until_marker(feed) == []
    # And they cannot come back in.
    assert (await subscribe(page, f"community.{community.pk}"))["type"] == "subscribe.refused"
    await page.disconnect()
    await feed.disconnect()


async def test_feed_and_post_page_get_their_events():
    owner, community, member, _ = await sync_to_async(_crew)(Visibility.PUBLIC)
    post = (await sync_to_async(_write_posts)(owner, community, 1))[0]
    feed, _, _ = await open_socket(member)
    page, _, _ = await open_socket(member)
    await subscribe(feed, "feed")
    await subscribe(page, f"post.{post.pk}")

    new = (await sync_to_async(_write_posts)(owner, community, 1, "Fresh"))[0]
    comment = await sync_to_async(post_services.comment_create)(actor=owner, post=post, body="A comment")

    assert await receive_count(feed, 3) == [
        {"type": "post.created", "post_id": new.pk, "community_id": community.pk},
        {"type": "comment.created", "post_id": post.pk, "comment_id": comment.pk},
        {"type": "post.counters", "post_id": post.pk, "comment_count": 1, "reaction_count": 0, "reaction_counts": {}},
    ]
    assert await receive_until_marker(feed) == []
    assert await receive_count(page, 2) == [
        {"type": "comment.created", "post_id": post.pk, "comment_id": comment.pk},
        {"type": "post.counters", "post_id": post.pk, "comment_count": 1, "reaction_count": 0, "reaction_counts": {}},
    ]
    assert await receive_until_marker(page) == []
    await feed.disconnect()
    await page.disconnect()


async def test_leaving_a_public_community_keeps_the_live_page():
    owner, community, member, _ = await sync_to_async(_crew)(Visibility.PUBLIC)
    page, _, _ = await open_socket(member)
    await subscribe(page, f"community.{community.pk}")

    await sync_to_async(services.membership_leave)(actor=member, community=community)
    post = (await sync_to_async(_write_posts)(owner, community, 1))[0]

    assert await receive_until_marker(page) == [
        {"type": "post.created", "post_id": post.pk, "community_id": community.pk}
    ]
    await page.disconnect()
