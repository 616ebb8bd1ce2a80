"""Child processes of the tests (Celery workers) reach the test database in every form of
``DATABASE_URL``, the Unix-socket one of the embedded PostgreSQL included (issue 17, item 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[2]

PROBE = (
    "import django; django.setup()\n"
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SELECT current_database(), inet_server_addr() IS NULL')\n"
    "    print(*cursor.fetchone())\n"
)


def _socket_url() -> str:
    """The URL of this very server over its Unix socket, as ``make test`` writes the embedded one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('unix_socket_directories'), current_setting('port')")
        directories, port = cursor.fetchone()
    directory = directories.split(",")[0].strip()
    assert directory, "the test server listens on no Unix socket"
    user = connection.settings_dict["USER"] or "postgres"
    return f"postgres://{quote(user, safe='')}@{quote(directory, safe='')}:{port}/intranet"


def test_the_url_keeps_everything_but_the_database_name(db, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app:s%40cret@%2Frun%2Fpg:6543/intranet?sslmode=disable")
    url = database_url("test_intranet_gw1")
    assert url == "postgres://app:s%40cret@%2Frun%2Fpg:6543/test_intranet_gw1?sslmode=disable"


def test_a_child_process_reaches_the_test_database_over_a_unix_socket(db, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", _socket_url())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "DATABASE_URL": database_url(),
        "DATABASE_POOL": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # The child is on this test's database, and over the socket (no server address).
    assert result.stdout.split() == [connection.settings_dict["NAME"], "True"]
