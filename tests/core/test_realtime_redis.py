"""Realtime over a real Redis channel layer: two consumers in two processes hear each other.

The second process (``tests/core/realtime_peer.py``) runs its own ``LiveConsumer`` on its own event
loop. Events published in this process reach it, its events reach the consumer here, and a
revocation sent from here makes it drop the topic, all through Redis.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from asgiref.sync import sync_to_async

from intranet.core import realtime
from intranet.core.realtime import PUBLISH_CONCURRENCY, publish, publish_many, revoke
from tests.core.realtime_peer import StandIn, redis_layers, stand_in_consumer
from tests.core.ws import LiveSocket, connect, receive_until_marker

ROOT = Path(__file__).resolve().parents[2]
MAIN_USER, PEER_USER = 910_001, 910_002

# The consumer closes stale database connections around its checks (channels' database_sync_to_async),
# so these tests need database access even though their topics need no rows.
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_layer(redis_url, settings) -> Iterator[str]:
    prefix = f"intranet-test-rt-{uuid.uuid4().hex[:10]}"
    settings.CHANNEL_LAYERS = redis_layers(redis_url, prefix)
    realtime.register_topic("peerroom", lambda user, pk: True)
    yield prefix
    realtime.unregister("peerroom")
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


async def _line(stream: asyncio.StreamReader) -> str:
    raw = await asyncio.wait_for(stream.readline(), timeout=30)
    assert raw, "the peer process ended early"
    return raw.decode().strip()


@pytest.mark.asyncio
async def test_two_consumers_in_two_processes_share_events_and_revocations(redis_url, redis_layer):
    here = LiveSocket(stand_in_consumer().as_asgi(), "/ws/")
    here.scope["user"] = StandIn(MAIN_USER)
    assert (await connect(here, timeout=10))[0]
    await here.send_json_to({"type": "subscribe", "topic": "peerroom.1"})
    assert await here.receive_json_from(timeout=10) == {"type": "subscribed", "topic": "peerroom.1"}

    peer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.core.realtime_peer",
        redis_url,
        redis_layer,
        str(PEER_USER),
        str(MAIN_USER),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert peer.stdout is not None
    try:
        assert json.loads(await _line(peer.stdout)) == {"type": "subscribed", "topic": "peerroom.1"}
        assert await _line(peer.stdout) == "READY"

        # This process publishes (the kernel's sync publish, as services do on commit) ...
        await sync_to_async(publish)("peerroom.1", {"type": "x.from-main"})
        assert json.loads(await _line(peer.stdout)) == {"type": "x.from-main"}
        # ... and hears what the other process publishes to the room and to this user.
        heard = [await here.receive_json_from(timeout=10) for _ in range(3)]
        assert sorted(m["type"] for m in heard) == ["x.from-main", "x.from-peer", "x.to-main"]
        assert json.loads(await _line(peer.stdout)) == {"type": "x.from-peer"}

        # A revocation sent from here reaches the socket in the other process.
        await sync_to_async(revoke)(PEER_USER, "peerroom.1")
        assert json.loads(await _line(peer.stdout)) == {"type": "topic.revoked", "topic": "peerroom.1"}
        await sync_to_async(publish)("peerroom.1", {"type": "x.after-revocation"})
        await sync_to_async(publish)(f"user.{PEER_USER}", {"type": "x.stop"})
        # The peer prints nothing of the room any more: the next line is the stop.
        assert json.loads(await _line(peer.stdout)) == {"type": "x.stop"}
        assert await asyncio.wait_for(peer.wait(), timeout=30) == 0
        assert await receive_until_marker(here, timeout=10) == [{"type": "x.after-revocation"}]
    finally:
        if peer.returncode is None:
            peer.kill()
            await peer.wait()
        await here.disconnect()


@pytest.mark.asyncio
async def test_an_idle_socket_survives_the_blocking_reads(redis_layer):
    """channels-redis blocks 5 seconds per read; with redis-py's default 5-second socket timeout the
    read itself timed out and killed the consumer (see CHANNEL_LAYERS in intranet/settings/base.py)."""
    socket = LiveSocket(stand_in_consumer().as_asgi(), "/ws/")
    socket.scope["user"] = StandIn(MAIN_USER)
    assert (await connect(socket, timeout=10))[0]

    await asyncio.sleep(7)
    await sync_to_async(publish)(f"user.{MAIN_USER}", {"type": "x.still-there"})

    assert await socket.receive_json_from(timeout=10) == {"type": "x.still-there"}
    await socket.disconnect()


@pytest.mark.asyncio
async def test_publish_many_fans_out_through_redis(redis_layer):
    """A notification fan-out: hundreds of user groups in one call, one event loop, batches in flight."""
    socket = LiveSocket(stand_in_consumer().as_asgi(), "/ws/")
    socket.scope["user"] = StandIn(MAIN_USER)
    assert (await connect(socket, timeout=10))[0]
    others = [(f"user.{920_000 + n}", {"type": "x.count", "unread": n}) for n in range(2 * PUBLISH_CONCURRENCY + 1)]

    await sync_to_async(publish_many)([*others, (f"user.{MAIN_USER}", {"type": "x.count", "unread": 42})])

    assert await socket.receive_json_from(timeout=10) == {"type": "x.count", "unread": 42}
    assert await receive_until_marker(socket, timeout=10) == []
    await socket.disconnect()
