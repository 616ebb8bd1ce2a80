"""Websocket test helpers: sockets through the whole ASGI stack (origin check, session auth, routing).

Tests that use them need ``@pytest.mark.django_db(transaction=True)``: the session, the access
checks and the services run in worker threads with connections of their own, which only see
committed rows.

Waiting, never for quiet: :func:`receive_count` waits for the number of messages a test expects,
and :func:`receive_until_marker` sends a marker event straight to the socket's channel, behind
everything already queued for it, and returns what arrived before the marker. A negative assertion
(``== []``) is therefore decided by the marker, not by a pause that a slow machine outlasts.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client

from intranet.accounts.models import User

HOST = "testserver"
ORIGIN = f"http://{HOST}"


MARKER = "test.marker"
TIMEOUT = 5.0


class LiveSocket(WebsocketCommunicator):
    """A communicator that knows the channel name of the consumer behind it (for markers)."""

    channel_name: str = ""


def session_cookie(user: User) -> str:
    """A ``Cookie`` header value carrying a signed-in session of ``user``."""
    return f"{settings.SESSION_COOKIE_NAME}={session_key(user)}"


def session_key(user: User) -> str:
    """The key of a new signed-in session of ``user`` (as a sign-in through the login page makes)."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def session_store(key: str) -> SessionBase:
    """The session ``key`` as the websocket stack puts it in ``scope["session"]``."""
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)  # type: ignore[no-any-return]


@contextlib.contextmanager
def _channel_names() -> Iterator[list[str]]:
    """Collect the channel names the layer hands out meanwhile (a consumer takes one on connect)."""
    layer = get_channel_layer()
    original = layer.new_channel
    names: list[str] = []

    async def new_channel(*args: Any, **kwargs: Any) -> str:
        name: str = await original(*args, **kwargs)
        names.append(name)
        return name

    layer.new_channel = new_channel
    try:
        yield names
    finally:
        del layer.new_channel  # the class's method again


async def connect(socket: LiveSocket, *, timeout: float = TIMEOUT) -> tuple[bool, Any]:
    """Connect ``socket`` and remember its consumer's channel name."""
    with _channel_names() as names:
        connected, code = await socket.connect(timeout=timeout)
    if names:
        socket.channel_name = names[-1]
    return connected, code


def asgi_application() -> Any:
    from intranet.asgi import application

    return application


async def open_socket(
    user: User | None = None,
    *,
    origin: str | None = ORIGIN,
    host: str = HOST,
    path: str = "/ws/",
    session: str | None = None,
) -> tuple[LiveSocket, bool, Any]:
    """Open ``path`` through ``intranet.asgi.application``; returns (socket, connected, code).

    The socket signs in with a new session of ``user``, or with the session whose key is
    ``session`` (a test client's, to sign out through that client afterwards).
    """
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    cookie = None
    if session is not None:
        cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    elif user is not None:
        cookie = await sync_to_async(session_cookie)(user)
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    socket = LiveSocket(asgi_application(), path, headers=headers)
    connected, code = await connect(socket)
    return socket, connected, code


async def subscribe(socket: WebsocketCommunicator, topic: str) -> dict[str, Any]:
    """Ask for ``topic`` and return the answer (``subscribed`` or ``subscribe.refused``)."""
    await socket.send_json_to({"type": "subscribe", "topic": topic})
    answer: dict[str, Any] = await socket.receive_json_from(timeout=5)
    return answer


async def receive_count(socket: WebsocketCommunicator, count: int, *, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
    """The next ``count`` messages of ``socket``, each awaited up to ``timeout`` seconds."""
    return [await socket.receive_json_from(timeout=timeout) for _ in range(count)]


async def send_marker(socket: LiveSocket) -> str:
    """Queue a marker event on the socket's own channel, behind everything queued before; returns
    its token."""
    assert socket.channel_name, "open the socket with open_socket() or connect() to send markers"
    token = uuid.uuid4().hex
    event = {"type": MARKER, "token": token}
    await get_channel_layer().send(socket.channel_name, {"type": "realtime.event", "event": event})
    return token


async def receive_until_marker(socket: LiveSocket, *, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
    """Every message the socket receives before a marker sent now (see the module docstring).

    Whatever was published before this call is queued ahead of the marker, so an empty list proves
    that nothing of it reached the socket. Events the consumer produces itself in answer to a client
    message (presence, relayed typing) may still be on their way: await those with
    :func:`receive_count` first.
    """
    token = await send_marker(socket)
    received: list[dict[str, Any]] = []
    while True:
        message: dict[str, Any] = await socket.receive_json_from(timeout=timeout)
        if message == {"type": MARKER, "token": token}:
            return received
        received.append(message)


async def closed_with(socket: WebsocketCommunicator, *, timeout: float = TIMEOUT) -> int | None:
    """Skip what the socket still sends until it closes; returns the close code."""
    while True:
        output = await socket.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")
