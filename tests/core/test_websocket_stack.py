"""The whole websocket stack of ``intranet.asgi``: origin checks at the handshake, session auth, routing."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from intranet.core.origin import origin_allowed
from intranet.core.realtime import user_group
from tests.core.ws import open_socket
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",  # a foreign site
        "http://testserver.evil.example",  # a look-alike
        "http://testserver:8443",  # another port of the same host
        "null",  # sandboxed frames, file:// pages
        "",
        None,  # no Origin header at all
        "javascript://testserver",
    ],
)
async def test_foreign_or_missing_origin_is_refused_at_the_handshake(origin):
    me = await sync_to_async(UserFactory.create)()

    socket, connected, code = await open_socket(me, origin=origin)

    assert not connected
    assert code == 1000  # refused before accept: the server answers the upgrade with HTTP 403
    await socket.wait()


@pytest.mark.asyncio
async def test_same_origin_signed_in_socket_is_accepted_and_gets_user_events():
    me = await sync_to_async(UserFactory.create)()

    socket, connected, _ = await open_socket(me)
    assert connected
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await get_channel_layer().group_send(
        user_group(me.pk), {"type": "realtime.event", "group": user_group(me.pk), "event": {"type": "x.hi"}}
    )
    assert await socket.receive_json_from() == {"type": "x.hi"}
    await socket.disconnect()


@pytest.mark.asyncio
async def test_anonymous_socket_with_a_good_origin_is_refused_with_4401():
    _socket, connected, code = await open_socket(None)

    assert (connected, code) == (False, 4401)


@pytest.mark.asyncio
async def test_trusted_origin_from_settings_is_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://intranet.corp.example"]
    me = await sync_to_async(UserFactory.create)()

    socket, connected, _ = await open_socket(me, origin="https://intranet.corp.example")

    assert connected
    await socket.disconnect()


@pytest.mark.asyncio
async def test_the_old_ping_route_is_gone():
    me = await sync_to_async(UserFactory.create)()
    with pytest.raises(ValueError, match="No route found"):
        await open_socket(me, path="/ws/ping/")


@pytest.mark.django_db(transaction=False)
def test_origin_rule():
    assert origin_allowed("https://intranet.example", "intranet.example")
    assert origin_allowed("http://localhost:8000", "localhost:8000")
    assert origin_allowed("HTTPS://Intranet.Example", "intranet.example")
    assert not origin_allowed("https://intranet.example", "intranet.example:8443")
    assert not origin_allowed("https://intranet.example", None)
    assert not origin_allowed("ftp://intranet.example", "intranet.example")
