"""The databases' settings, from ``Env``: fail fast when PostgreSQL is down, never hand a request a
dead pooled connection, send reads to the replicas.

- ``connect_timeout``: a new connection gives up after ``DATABASE_CONNECT_TIMEOUT`` seconds (an
  unreachable host would otherwise block for the operating system's TCP timeout).
- the pool's ``timeout``: a request waits at most ``DATABASE_POOL_TIMEOUT`` seconds for a
  connection (psycopg's default is 30 s, per query), then ``PoolTimeout`` answers a 503
  (``intranet.core.unavailable``).
- ``CONN_HEALTH_CHECKS``: with the pool, Django passes ``check=ConnectionPool.check_connection``,
  so every connection is checked when it leaves the pool; those that died with a PostgreSQL restart
  are replaced instead of failing the request.
- ``DATABASE_REPLICA_URLS``: one alias per streaming replica, ``replica_1``, ``replica_2``...,
  listed in ``DATABASE_REPLICAS`` for the router (``intranet.core.dbrouter``). In tests each
  replica mirrors ``default`` (``TEST: {"MIRROR": "default"}``): no second test database is made.
- ``DATABASE_POOLER=pgbouncer``: PgBouncer in transaction pooling hands each transaction to any
  server connection, so nothing may outlive a transaction on the server: no prepared statements
  (``prepare_threshold=None``, client-side parameter binding) and no named cursors
  (``DISABLE_SERVER_SIDE_CURSORS``; ``QuerySet.iterator()`` then fetches in chunks client-side).
  psycopg's pool stays: it only keeps client connections to PgBouncer open, and Django configures
  nothing on them that PgBouncer does not track (it restores ``TimeZone`` per transaction).
"""

from __future__ import annotations

from typing import Any

import dj_database_url

from .env import Env

REPLICA_PREFIX = "replica_"


def database_settings(env: Env, url: str | None = None) -> dict[str, Any]:
    """One alias's settings: the primary's (``DATABASE_URL``) unless ``url`` names a replica."""
    url = url or env.database_url
    if url:
        db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True))
    else:
        db = {"ENGINE": "django.db.backends.postgresql", "NAME": "intranet_unconfigured", "CONN_HEALTH_CHECKS": True}
    # Options given in the URL's query string win over ours.
    db["OPTIONS"] = {"connect_timeout": env.database_connect_timeout, **db.get("OPTIONS", {})}
    if env.database_pool:
        db["OPTIONS"]["pool"] = {
            "min_size": env.database_pool_min,
            "max_size": env.database_pool_max,
            "timeout": env.database_pool_timeout,
        }
    if env.database_pooler == "pgbouncer":
        db["OPTIONS"]["prepare_threshold"] = None
        db["OPTIONS"]["server_side_binding"] = False
        db["DISABLE_SERVER_SIDE_CURSORS"] = True
    return db


def replica_aliases(env: Env) -> list[str]:
    return [f"{REPLICA_PREFIX}{number}" for number in range(1, len(env.database_replica_urls) + 1)]


def databases(env: Env) -> dict[str, dict[str, Any]]:
    """``default`` (the primary) and one ``replica_<n>`` alias per URL of ``DATABASE_REPLICA_URLS``."""
    result = {"default": database_settings(env)}
    for alias, url in zip(replica_aliases(env), env.database_replica_urls, strict=True):
        replica = database_settings(env, url)
        replica["TEST"] = {"MIRROR": "default"}
        result[alias] = replica
    return result
