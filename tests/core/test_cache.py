"""The Redis cache backend of the platform: Django's, with one client per connection pool."""

from __future__ import annotations

import threading

import pytest

from intranet.core.cache import RedisCache


@pytest.mark.redis
def test_round_trips_and_reuses_one_client(redis_url: str) -> None:
    cache = RedisCache(redis_url, {"KEY_PREFIX": "test-core-cache"})
    cache.set("greeting", {"de": "Hallo", "en": "Hello"}, 30)
    assert cache.get("greeting") == {"de": "Hallo", "en": "Hello"}
    assert cache.get_many(["greeting", "missing"]) == {"greeting": {"de": "Hallo", "en": "Hello"}}
    assert cache.add("greeting", "again", 30) is False
    backend = cache._cache  # type: ignore[attr-defined]
    client = backend.get_client()
    assert backend.get_client(write=True) is client, "one redis.Redis per pool, not one per call"
    assert cache.delete("greeting") is True
    assert cache.get("greeting", "gone") == "gone"


@pytest.mark.redis
def test_one_client_serves_many_threads(redis_url: str) -> None:
    cache = RedisCache(redis_url, {"KEY_PREFIX": "test-core-cache-threads"})
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.set(f"k{n}-{i}", i, 30)
                assert cache.get(f"k{n}-{i}") == i
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache._cache._clients) == 1  # type: ignore[attr-defined]
    cache.delete_many([f"k{n}-{i}" for n in range(8) for i in range(50)])
