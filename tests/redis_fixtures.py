"""Fixtures for tests that need real services. They fail, never skip, when a service is missing.

``make test`` deselects tests marked ``redis`` or ``worker`` when ``REDIS_URL`` is unset (and says
so); CI sets ``REDIS_URL`` and ``REQUIRE_SERVICES=1``, so there they always run.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("this test needs Redis: set REDIS_URL (make test deselects it when REDIS_URL is unset)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at REDIS_URL is unreachable: {exc}")
    return url
