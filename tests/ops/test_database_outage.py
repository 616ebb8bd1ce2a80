"""PostgreSQL down or restarted (issue 17, item 10): a fast, translated 503 with ``Retry-After``
instead of a 45-second hang and a bare 500, and no errors once the database is back.

Real PostgreSQL and psycopg's real pool: the outage is the connection pointed at a closed port,
the restart is every backend of the test database terminated with ``pg_terminate_backend``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection
from django.test import Client

from intranet.core.unavailable import RETRY_AFTER_SECONDS
from intranet.settings.database import database_settings
from intranet.settings.env import Env
from tests.support.databases import database_url

POOL_TIMEOUT = 2.0


def _close_pool() -> None:
    connection.close_pool()  # type: ignore[attr-defined]  # django-stubs do not know the pool yet


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _production_database(**env: Any) -> dict[str, Any]:
    """What the settings make of this run's DATABASE_URL in production (pool on)."""
    return database_settings(Env(database_url=database_url(), database_pool=True, **env))


@contextmanager
def _database(**changes: Any) -> Iterator[None]:
    """Run the test's requests with the default connection's settings changed; closes its pool
    and connection before and after, so nothing leaks into other tests."""
    saved = {**connection.settings_dict, "OPTIONS": dict(connection.settings_dict["OPTIONS"])}
    connection.close()
    _close_pool()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        _close_pool()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _get(client: Any, path: str, **headers: Any) -> Any:
    response = client.get(path, **headers)
    # In production request_finished hands the connection back to the pool; the test client keeps
    # it, so give it back as the server would.
    connection.close()
    return response


def test_settings_fail_fast_and_check_pooled_connections() -> None:
    db = database_settings(Env(database_url="postgres://app@db:5432/intranet", database_pool=True))
    assert db["OPTIONS"]["pool"]["timeout"] == 5.0
    assert db["OPTIONS"]["connect_timeout"] == 5
    # Django passes check=ConnectionPool.check_connection to the pool when health checks are on.
    assert db["CONN_HEALTH_CHECKS"] is True
    short = database_settings(
        Env(database_url="postgres://app@db/intranet?connect_timeout=3", database_pool_timeout=1.5, database_pool=True)
    )
    assert short["OPTIONS"]["pool"]["timeout"] == 1.5
    assert short["OPTIONS"]["connect_timeout"] == 3  # the URL's own option wins


def test_an_outage_answers_a_fast_translated_503_and_the_site_recovers(transactional_db, user) -> None:
    # As a server would: an exception the 500 handler answered is not raised into the test.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert _get(client, "/").status_code == 200
    production = _production_database(database_pool_timeout=POOL_TIMEOUT)
    outage = {
        "HOST": "127.0.0.1",
        "PORT": str(_closed_port()),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {k: v for k, v in production["OPTIONS"].items() if k not in ("host", "port")},
    }
    with _database(**outage):
        started = time.monotonic()
        # The signed-in person is loaded by a middleware: the error surfaces outside the view.
        response = _get(client, "/", HTTP_ACCEPT_LANGUAGE="de")
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
        page = response.content.decode()
        assert "Vorübergehend nicht erreichbar" in page
        assert "Server Error" not in page
        # Bounded by the pool timeout (a few seconds), not psycopg's 30 s per query.
        assert elapsed < POOL_TIMEOUT + 10, elapsed

        # Signing in queries the database in the view itself.
        anonymous = Client(raise_request_exception=False)
        response = anonymous.post("/accounts/login/", {"login": user.email, "password": "whatever-123"})
        connection.close()
        assert response.status_code == 503
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "Temporarily unavailable" in response.content.decode()

    # The database is back: the next request succeeds, no error in between.
    client.force_login(user)
    assert _get(client, "/").status_code == 200


POOL_APPLICATION = "outage-test-pool"


def test_pooled_connections_killed_by_a_restart_are_replaced_on_checkout(transactional_db, client, user) -> None:
    # This test is about errors, not speed: a generous wait, so a busy machine cannot make it fail.
    production = _production_database(database_pool_timeout=15)
    client.force_login(user)
    # Only the pool's own connections are killed: other connections of this process (the channels
    # worker threads' ones that later tests reuse) are not part of what this test is about.
    options = {**production["OPTIONS"], "application_name": POOL_APPLICATION}
    with _database(OPTIONS=options, CONN_HEALTH_CHECKS=production["CONN_HEALTH_CHECKS"]):
        assert _get(client, "/").status_code == 200
        pool = connection.pool  # type: ignore[attr-defined]
        assert pool is not None
        pooled = pool.get_stats()["pool_size"]
        assert pooled >= 1
        # What a PostgreSQL restart does to the pool: every connection it holds is dead.
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name = %s AND pid <> pg_backend_pid()",
                (connection.settings_dict["NAME"], POOL_APPLICATION),
            ).fetchone()
        assert killed is not None and killed[0] >= pooled
        for _ in range(3):
            response = _get(client, "/")
            assert response.status_code == 200, response.content.decode()[:500]
