"""Websocket test helpers: sockets through the whole ASGI stack (origin check, session auth, routing).

Tests that use them need ``@pytest.mark.django_db(transaction=True)``: the session, the access
checks and the services run in worker threads with connections of their own, which only see
committed rows.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from intranet.accounts.models import User

HOST = "testserver"
ORIGIN = f"http://{HOST}"


def session_cookie(user: User) -> str:
    """A ``Cookie`` header value carrying a signed-in session of ``user``."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def asgi_application() -> Any:
    from intranet.asgi import application

    return application


async def open_socket(
    user: User | None = None, *, origin: str | None = ORIGIN, host: str = HOST, path: str = "/ws/"
) -> tuple[WebsocketCommunicator, bool, Any]:
    """Open ``path`` through ``intranet.asgi.application``; returns (socket, connected, code)."""
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", cookie.encode()))
    socket = WebsocketCommunicator(asgi_application(), path, headers=headers)
    connected, code = await socket.connect(timeout=5)
    return socket, connected, code


async def subscribe(socket: WebsocketCommunicator, topic: str) -> dict[str, Any]:
    """Ask for ``topic`` and return the answer (``subscribed`` or ``subscribe.refused``)."""
    await socket.send_json_to({"type": "subscribe", "topic": topic})
    answer: dict[str, Any] = await socket.receive_json_from(timeout=5)
    return answer


async def drain(socket: WebsocketCommunicator, *, quiet: float = 0.3) -> list[dict[str, Any]]:
    """Every message the socket receives until it stays quiet for ``quiet`` seconds."""
    received = []
    while not await socket.receive_nothing(timeout=quiet):
        received.append(await socket.receive_json_from())
    return received
