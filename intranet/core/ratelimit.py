"""Fixed-window request limits in the shared cache (Redis in production), keyed per client address.

Every web process counts in the same cache, so a limit holds however many processes serve. A
window starts with the first hit and lasts ``window`` seconds; :func:`hit` tells how long until it
ends, which the 429 page sends as ``Retry-After`` (``intranet.core.errors.too_many_requests``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from .clientip import client_ip


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per ``window`` seconds under ``scope``."""

    scope: str
    count: int
    window: int


def hit(key: str, limit: Limit) -> int | None:
    """Count one hit of ``key`` against ``limit``: ``None`` when allowed, else the seconds until the
    window ends (at least 1)."""
    counter = f"rl:{limit.scope}:{key}"
    started = f"{counter}:t"
    now = int(time.time())
    if cache.add(counter, 0, timeout=limit.window):
        cache.set(started, now, timeout=limit.window)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr: a new window starts
        cache.set(counter, 1, timeout=limit.window)
        cache.set(started, now, timeout=limit.window)
        count = 1
    if count <= limit.count:
        return None
    began = cache.get(started)
    remaining = limit.window - (now - began) if isinstance(began, int) else limit.window
    return max(1, min(limit.window, remaining))


def hit_per_client(request: HttpRequest, limit: Limit) -> int | None:
    """:func:`hit` keyed on the client's address behind the trusted proxies (``clientip``)."""
    return hit(client_ip(request) or "unknown", limit)
