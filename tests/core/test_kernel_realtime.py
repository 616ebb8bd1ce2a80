from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from intranet.core.consumers import PingConsumer
from intranet.core.realtime import publish_on_commit, user_group


@pytest.mark.django_db
def test_publish_on_commit_sends_only_after_commit(user, django_capture_on_commit_callbacks, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    from asgiref.sync import async_to_sync

    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_on_commit(user_group(user.pk), {"type": "badge.changed", "count": 3})
    assert len(callbacks) == 1  # queued, not sent
    callbacks[0]()
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "realtime.event", "event": {"type": "badge.changed", "count": 3}}


def test_publish_on_commit_requires_an_event_type():
    with pytest.raises(ValueError, match="type"):
        publish_on_commit("user.1", {"count": 1})


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_socket_refuses_anonymous_and_forwards_user_events(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    anonymous = WebsocketCommunicator(PingConsumer.as_asgi(), "/ws/ping/")
    anonymous.scope["user"] = AnonymousUser()
    connected, code = await anonymous.connect()
    assert not connected and code == 4401

    from tests.factories import UserFactory

    member = await sync_to_async(UserFactory.create)()
    socket = WebsocketCommunicator(PingConsumer.as_asgi(), "/ws/ping/")
    socket.scope["user"] = member
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    layer = get_channel_layer()
    await layer.group_send(user_group(member.pk), {"type": "realtime.event", "event": {"type": "x.happened"}})
    assert await socket.receive_json_from() == {"type": "x.happened"}
    await socket.disconnect()
