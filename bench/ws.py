"""Websocket delivery: ``connections`` sockets subscribe to ``community.<id>``, then a member creates
posts through the normal HTTP view; each socket's arrival time of the ``post.created`` event is
measured from the moment the request was sent (ISSUE 5, section 1: topics and protocol)."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import uuid
from typing import Any

import websockets
from websockets.typing import Origin


async def _open(url: str, cookie: str, origin: str, topic: str) -> Any:
    socket = await websockets.connect(
        url,
        additional_headers={"Cookie": cookie, "X-Forwarded-Proto": "https"},
        origin=Origin(origin),
        open_timeout=60,
    )
    await socket.send(json.dumps({"type": "subscribe", "topic": topic}))
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 60))
        if message.get("type") == "subscribed" and message.get("topic") == topic:
            return socket
        if message.get("type") == "subscribe.refused":
            raise RuntimeError(f"subscription to {topic} refused")


async def _wait_for_post(socket: Any, timeout: float) -> tuple[float, int] | None:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            raw = await asyncio.wait_for(socket.recv(), left)
        except (TimeoutError, websockets.ConnectionClosed):
            return None
        # The client shares the cores with the servers: decode only what may be the post.
        if "post.created" not in raw:
            continue
        message = json.loads(raw)
        if message.get("type") == "post.created":
            return time.monotonic(), int(message.get("post_id", 0))
    return None


def _create_post(base: str, path: str, session: str, csrf: str, n: int) -> int:
    import http.client

    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    body = urllib.parse.urlencode(
        {
            "kind": "discussion",
            "title": f"Live post {n}",
            "body": f"Delivered live {n}.",
            "idempotency_key": str(uuid.uuid4()),  # each post is a new submission of the form
        }
    )
    host = f"{parts.hostname}:{parts.port}"
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{host}",
            "Referer": f"https://{host}/",
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status


async def measure(
    *, base: str, ws_base: str, plan: dict[str, Any], connections: int, posts: int = 5, timeout: float = 30.0
) -> dict[str, Any]:
    """Sockets on ``ws_base`` (the realtime process), posts through ``base`` (the web process)."""
    parts = urllib.parse.urlsplit(ws_base)
    url = f"ws://{parts.hostname}:{parts.port}/ws/"
    origin = f"https://{parts.hostname}:{parts.port}"
    topic = f"community.{plan['largest']['id']}"
    sessions = plan["largest_member_sessions"] or plan["browsing"]
    sockets: list[Any] = []
    opened = time.monotonic()
    for start in range(0, connections, 100):  # open in waves: a storm of handshakes is another test
        batch = [
            _open(url, f"sessionid={sessions[i % len(sessions)]}", origin, topic)
            for i in range(start, min(start + 100, connections))
        ]
        sockets += await asyncio.gather(*batch)
    open_seconds = time.monotonic() - opened
    latencies: list[float] = []
    per_post: list[dict[str, float]] = []
    missing = 0
    statuses = []
    try:
        for n in range(posts):
            waiters = [asyncio.create_task(_wait_for_post(socket, timeout)) for socket in sockets]
            sent = time.monotonic()
            statuses.append(
                await asyncio.to_thread(
                    _create_post, base, plan["scenarios"]["post_create"][0], plan["posting"][0], plan["csrf"], n
                )
            )
            answered = time.monotonic()
            these = []
            for arrival in await asyncio.gather(*waiters):
                if arrival is None:
                    missing += 1
                else:
                    these.append((arrival[0] - sent) * 1000)
            latencies += these
            if these:
                # The request's own time is part of every delivery (the event is sent on commit).
                per_post.append({"request_ms": (answered - sent) * 1000, "first_ms": min(these), "last_ms": max(these)})
            await asyncio.sleep(0.5)
    finally:
        await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    return {
        "connections": connections,
        "posts": posts,
        "open_seconds": open_seconds,
        "post_statuses": statuses,
        "latencies_ms": latencies,
        "per_post": per_post,
        "missing": missing,
    }
