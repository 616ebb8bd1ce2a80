"""The default database's settings, from ``Env``: fail fast when PostgreSQL is down, never hand a
request a dead pooled connection.

- ``connect_timeout``: a new connection gives up after ``DATABASE_CONNECT_TIMEOUT`` seconds (an
  unreachable host would otherwise block for the operating system's TCP timeout).
- the pool's ``timeout``: a request waits at most ``DATABASE_POOL_TIMEOUT`` seconds for a
  connection (psycopg's default is 30 s, per query), then ``PoolTimeout`` answers a 503
  (``intranet.core.unavailable``).
- ``CONN_HEALTH_CHECKS``: with the pool, Django passes ``check=ConnectionPool.check_connection``,
  so every connection is checked when it leaves the pool; those that died with a PostgreSQL restart
  are replaced instead of failing the request.
"""

from __future__ import annotations

from typing import Any

import dj_database_url

from .env import Env


def database_settings(env: Env) -> dict[str, Any]:
    if env.database_url:
        db: dict[str, Any] = dict(dj_database_url.parse(env.database_url, conn_max_age=0, conn_health_checks=True))
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
    return db
