"""A post created through one web process reaches a websocket held by the other realtime process
within one second (issue 21, item 4, second bullet): the channel layer is the shared Redis."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from typing import Any

from websockets.sync.client import ClientConnection, connect

from .client import Browser, post_id, record, served_by


def _receive(socket: ClientConnection, kind: str, deadline: float, **match: Any) -> dict[str, Any] | None:
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = json.loads(socket.recv(timeout=left))
        except TimeoutError:
            return None
        if message.get("type") == kind and all(message.get(key) == value for key, value in match.items()):
            return message  # type: ignore[no-any-return]
    return None


def test_a_post_reaches_a_websocket_on_the_other_realtime_process(topology: Any, seed: dict[str, Any]):
    reader = Browser(topology)
    assert reader.login(seed["people"]["reader"]["email"], seed["password"]).status_code == 302
    url = topology.proxy_url.replace("http://", "ws://") + "/ws/"
    headers = {"Cookie": reader.cookie_header(), "Origin": topology.origin}
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(connect(url, additional_headers=headers, open_timeout=10)) for _ in range(2)]
        held_by = [socket.response.headers.get("X-Served-By", "") if socket.response else "" for socket in sockets]
        assert sorted(held_by) == ["realtime1", "realtime2"]
        topic = f"community.{seed['community']['id']}"
        for socket in sockets:
            socket.send(json.dumps({"type": "subscribe", "topic": topic}))
            assert _receive(socket, "subscribed", time.monotonic() + 10, topic=topic)

        author = Browser(topology)
        assert author.login(seed["people"]["author"]["email"], seed["password"]).status_code == 302
        sent = time.monotonic()
        created = author.create_post(seed["community"]["slug"], f"Live {uuid.uuid4().hex[:8]}")
        acknowledged = time.monotonic()
        assert created.status_code == 302, created.text[:500]
        new = post_id(created)
        latencies = {}
        for socket, process in zip(sockets, held_by, strict=True):
            message = _receive(socket, "post.created", acknowledged + 1.0, post_id=new)
            assert message is not None, f"post {new} (by {served_by(created)}) did not reach {process} within 1 s"
            latencies[process] = round(time.monotonic() - sent, 3)
        record(
            "live_update",
            post_by=served_by(created),
            request_seconds=round(acknowledged - sent, 3),
            seconds_from_request_to_socket=latencies,
        )
