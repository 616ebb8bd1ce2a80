"""The benchmark's CI smoke (issue 4): seed ``--scale 0.01`` into a database of its own, run every
scenario for a moment through the production server, and check answers and query budgets, never
timings. Own database (a copy of this worker's test database), own port, own Redis database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from asgiref.sync import SyncToAsync
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
#: Redis database of this test (helpers' tests use other numbers).
REDIS_DB = 6


@pytest.fixture
def smoke_database(transactional_db: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database cloned from this worker's migrated test database (migrating anew would take
    minutes); dropped afterwards."""
    template = connection.settings_dict["NAME"]
    name = f"{template}_benchsmoke"
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        connections.close_all()
        # Async tests run their database work in asgiref's one thread-sensitive executor thread,
        # whose connections stay open between tests: close them there too, so the termination
        # below leaves no dead connection for a later test of this worker to stumble on.
        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)
    base = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(base._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        # A template must have no other sessions (anything left, e.g. a server of an earlier test).
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (template,),
        )
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')  # type: ignore[arg-type]
    try:
        yield urlunsplit(base._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.timeout(400)
def test_every_scenario_answers_within_the_query_budget(smoke_database: str, redis_url: str, tmp_path: Path) -> None:
    redis = urlunsplit(urlsplit(redis_url)._replace(path=f"/{REDIS_DB}"))
    out = ROOT / "artifacts" / "bench-smoke"  # kept between runs: the collected static files are reused
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--database-url",
            smoke_database,
            "--redis-url",
            redis,
            "--out",
            str(out),
            "--seed-scale",
            "0.01",
            "--duration",
            "2",
            "--users",
            "4",
            "--sessions",
            "20",
            "--ws-connections",
            "20",
            "--ws-posts",
            "1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=380,
    )
    server_log = out / "server.log"
    # On a failure, the server's own log says why (a traceback for a 500, a worker restart).
    server_tail = server_log.read_text(errors="replace")[-4000:] if server_log.exists() else ""
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-5000:] + server_tail
    results = json.loads((out / "results.json").read_text())
    scenarios = {row["scenario"]: row for row in results["scenarios"]}
    expected = {
        "limit", "feed_first", "feed_heavy", "feed_deep", "directory", "community", "community_largest",
        "post", "post_hottest", "people", "search_common", "search_medium", "search_rare", "notifications",
        "post_create",
    }  # fmt: skip
    # feed_heavy may have no heavy users at this size; it then browses as everyone else.
    assert expected <= set(scenarios)
    for name, row in scenarios.items():
        assert row.get("requests"), f"{name}: no request completed ({row})"
        ok = {"302"} if name == "post_create" else {"200"}
        assert set(row["statuses"]) <= ok, f"{name}: {row['statuses']} {row['error_kinds']} {server_tail}"
        assert row["errors"] == 0, f"{name}: {row['error_kinds']} {server_tail}"
        assert row["queries_max"] is not None, f"{name}: no query count header"
        assert row["queries_max"] <= 10, f"{name}: {row['queries_max']} SQL queries"
    ws = results["websocket"]
    assert ws.get("delivered") == 20 and ws["missing"] == 0, ws
    assert all(status == 302 for status in ws["post_statuses"]), ws
