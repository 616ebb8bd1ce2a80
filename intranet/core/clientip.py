"""The address of the person behind a request, as the documented reverse proxies report it.

Behind a proxy, ``REMOTE_ADDR`` is the proxy's address: every limit keyed on it would put everyone
in one bucket. Each trusted proxy appends the address it received the request from to
``CLIENT_IP_HEADER`` (``X-Forwarded-For`` by default), so with ``TRUSTED_PROXY_COUNT`` proxies the
client is the entry that many places from the right. Entries further left came from the client
itself and are never believed: a spoofed ``X-Forwarded-For`` cannot escape a limit.

Every rate limit keyed on an address (allauth's, through ``AccountAdapter.get_client_ip``) and the
request logs use :func:`client_ip`.
"""

from __future__ import annotations

import ipaddress

import structlog
from django.conf import settings
from django.http import HttpRequest

DEFAULT_CLIENT_IP_HEADER = "X-Forwarded-For"


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def normalise_ip(value: str) -> str | None:
    """``value`` as a canonical IP address (ports and IPv6 brackets removed), or ``None``."""
    value = value.strip()
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: from the trusted proxies' header, else ``REMOTE_ADDR``.

    A request that carries fewer header entries than there are trusted proxies did not pass
    through all of them; it is keyed on its direct peer, never on what it claims. Returns ``""``
    only when the server gave no peer address at all.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT or 0
    if count > 0:
        raw = request.META.get(_meta_key(settings.CLIENT_IP_HEADER or DEFAULT_CLIENT_IP_HEADER), "")
        entries = [entry for entry in (part.strip() for part in str(raw).split(",")) if entry]
        if len(entries) >= count:
            address = normalise_ip(entries[-count])
            if address:
                return address
    return normalise_ip(remote) or remote


def bind_log_ip(request: HttpRequest, **kwargs: object) -> None:
    """Log the same address the limits use (django-structlog's own guess believes any header).

    Connected to ``django_structlog.signals.bind_extra_request_metadata`` in ``CoreConfig.ready``.
    """
    structlog.contextvars.bind_contextvars(ip=client_ip(request) or None)
