"""Hiding and restoring a post over real websockets (the whole ``intranet.asgi`` stack): open
community pages, feeds and post pages hear ``post.hidden`` / ``post.restored`` once the action
commits, with ids only; the permission-checked card then decides what each reader still sees.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from communities.core import services
from communities.models import Community, WatchedWord
from communities.moderation import services as mod
from communities.posts import services as post_services
from tests.core.ws import open_socket, receive_until_marker, subscribe
from tests.factories import UserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roomy_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 2000}}
    }


def _setup():
    owner, author, reader = UserFactory.create(), UserFactory.create(), UserFactory.create()
    community = services.community_create(actor=owner, name="Open Garden", visibility=Community.Visibility.PUBLIC)
    for person in (author, reader):
        services.membership_join(actor=person, community=community)
    post = post_services.post_create(actor=author, community=community, title="Look", body="Hello")
    return owner, author, reader, community, post


def _card_status(user, post_id: int) -> int:
    client = Client()
    client.force_login(user)
    return client.get(reverse("communities:post_card", kwargs={"pk": post_id})).status_code


def _visibility_events(messages):
    return [m for m in messages if m["type"] in ("post.hidden", "post.restored")]


async def test_hide_and_restore_reach_open_pages_and_the_card_decides():
    owner, author, reader, community, post = await sync_to_async(_setup)()
    stream, _, _ = await open_socket(reader)
    page, _, _ = await open_socket(reader)
    feed, _, _ = await open_socket(reader)
    assert (await subscribe(stream, f"community.{community.pk}"))["type"] == "subscribed"
    assert (await subscribe(page, f"post.{post.pk}"))["type"] == "subscribed"
    assert (await subscribe(feed, "feed"))["type"] == "subscribed"

    await sync_to_async(mod.post_hide)(actor=owner, post=post, reason="spam")
    hidden = {"type": "post.hidden", "post_id": post.pk, "community_id": community.pk}
    for socket in (stream, page, feed):
        assert _visibility_events(await receive_until_marker(socket)) == [hidden]
    # what the page then asks: the reader is refused, the author and the moderator are not
    assert await sync_to_async(_card_status)(reader, post.pk) == 404
    assert await sync_to_async(_card_status)(author, post.pk) == 200
    assert await sync_to_async(_card_status)(owner, post.pk) == 200

    await sync_to_async(mod.post_restore)(actor=owner, post=post)
    restored = {"type": "post.restored", "post_id": post.pk, "community_id": community.pk}
    for socket in (stream, page, feed):
        assert _visibility_events(await receive_until_marker(socket)) == [restored]
    assert await sync_to_async(_card_status)(reader, post.pk) == 200
    for socket in (stream, page, feed):
        await socket.disconnect()


async def test_an_edit_held_by_a_watched_word_leaves_open_pages_too():
    owner, author, reader, community, post = await sync_to_async(_setup)()
    await sync_to_async(mod.watched_word_add)(
        actor=owner, community=community, pattern="crypto", action=WatchedWord.Action.HOLD
    )
    stream, _, _ = await open_socket(reader)
    await subscribe(stream, f"community.{community.pk}")
    await sync_to_async(post_services.post_update)(actor=author, post=post, body="Buy crypto")
    assert _visibility_events(await receive_until_marker(stream)) == [
        {"type": "post.hidden", "post_id": post.pk, "community_id": community.pk}
    ]
    assert await sync_to_async(_card_status)(reader, post.pk) == 404
    await stream.disconnect()


async def test_a_refused_hide_sends_nothing():
    _owner, _author, reader, community, post = await sync_to_async(_setup)()
    stream, _, _ = await open_socket(reader)
    await subscribe(stream, f"community.{community.pk}")
    outsider = await sync_to_async(UserFactory.create)()
    with pytest.raises(PermissionDenied):
        await sync_to_async(mod.post_hide)(actor=outsider, post=post, reason="mine")
    assert _visibility_events(await receive_until_marker(stream)) == []
    await stream.disconnect()
