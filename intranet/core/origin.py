"""Cross-site websocket hijacking protection: a socket must come from a page of this site.

Browsers send the page's ``Origin`` with every websocket handshake and attach the session cookie
whatever the origin, so a foreign page could otherwise open an authenticated socket. Channels'
``AllowedHostsOriginValidator`` (kept in front of this one) only compares the origin with
``ALLOWED_HOSTS``, which lets everything through where that is ``["*"]``. This validator demands
that the origin is the very host the browser connected to (scheme-independent, port included) or
one of ``CSRF_TRUSTED_ORIGINS`` (for a front end served from another host), and refuses handshakes
without an ``Origin``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return str(value.decode("latin1"))
            except UnicodeDecodeError:
                return None
    return None


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Whether a handshake with ``Origin: origin`` to ``Host: host`` may proceed."""
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    trusted = {entry.rstrip("/").lower() for entry in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    if f"{parts.scheme}://{parts.netloc}".lower() in trusted:
        return True
    return host is not None and parts.netloc.lower() == host.lower()


class SameOriginValidator:
    """ASGI middleware for the websocket stack: refuse (HTTP 403) foreign or missing origins."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator only guards websocket connections.")
        if origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
