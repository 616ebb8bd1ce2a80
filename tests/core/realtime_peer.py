"""A second process with a websocket consumer on the Redis channel layer (run by test_realtime_redis).

``python -m tests.core.realtime_peer <redis-url> <prefix> <user-id> <main-user-id>`` opens a
``LiveConsumer`` for a stand-in user, subscribes to ``peerroom.1``, prints ``READY`` and then one
JSON line per message the socket receives. When the first event arrives from the main process it
publishes ``x.from-peer`` to the room and ``x.to-main`` to the main user's group; it stops at
``x.stop``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intranet.core.consumers import LiveConsumer


@dataclass
class StandIn:
    """Just enough of a user for the consumer (no database in this process)."""

    pk: int
    is_authenticated: bool = True
    is_active: bool = True
    display_name: str = "Peer"

    def get_username(self) -> str:
        return self.display_name


def stand_in_consumer() -> type[LiveConsumer]:
    """``LiveConsumer`` for a stand-in: there is no account or session to re-check on subscribe."""
    # Imported here: this module runs before django.setup() in the peer process.
    from intranet.core.consumers import LiveConsumer

    class StandInConsumer(LiveConsumer):
        def _still_signed_in(self) -> bool:
            return True

    return StandInConsumer


def redis_layers(url: str, prefix: str) -> dict[str, dict[str, object]]:
    """The production layer's configuration (see intranet/settings/base.py) on ``url`` and ``prefix``."""
    host = {"address": url, "socket_timeout": 30}
    return {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [host], "prefix": prefix}}
    }


async def run(user_id: int, main_user_id: int) -> None:
    from channels.layers import get_channel_layer
    from channels.testing import WebsocketCommunicator

    socket = WebsocketCommunicator(stand_in_consumer().as_asgi(), "/ws/")
    socket.scope["user"] = StandIn(user_id)
    connected, _ = await socket.connect(timeout=10)
    assert connected
    await socket.send_json_to({"type": "subscribe", "topic": "peerroom.1"})
    print(json.dumps(await socket.receive_json_from(timeout=10)), flush=True)  # noqa: T201
    print("READY", flush=True)  # noqa: T201
    layer = get_channel_layer()
    answered = False
    while True:
        message = await socket.receive_json_from(timeout=60)
        print(json.dumps(message), flush=True)  # noqa: T201
        if message["type"] == "x.stop":
            break
        if not answered and message["type"] == "x.from-main":
            answered = True
            for group, kind in (("peerroom.1", "x.from-peer"), (f"user.{main_user_id}", "x.to-main")):
                await layer.group_send(group, {"type": "realtime.event", "group": group, "event": {"type": kind}})
    await socket.disconnect()


def main() -> None:
    url, prefix, user_id, main_user_id = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings.test"
    import django
    from django.conf import settings

    django.setup()
    settings.CHANNEL_LAYERS = redis_layers(url, prefix)
    from intranet.core.realtime import register_topic

    register_topic("peerroom", lambda user, pk: True)
    asyncio.run(run(user_id, main_user_id))


if __name__ == "__main__":
    main()
