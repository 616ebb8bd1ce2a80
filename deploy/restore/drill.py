"""The restore drill: a backup of the primary, restored into a fresh cluster, serves the platform.

    python deploy/restore/drill.py --source postgres://postgres@db:5432/intranet [--keep DIR]

1. ``pg_dump -Fc`` of the source database, taken in one exported snapshot, in which every table's
   rows are also counted (the source may keep taking writes during the drill);
2. a fresh cluster (``initdb``) on a free port of 127.0.0.1, ``pg_restore`` of the dump;
3. ``manage.py migrate --check``: the restored schema is the code's (exit 1 otherwise);
4. a web process (gunicorn, the project's configuration) on the restored database until
   ``/healthz/ready`` answers 200 (database, cache, migrations);
5. every table's row count in the restored database equals the source's.

It prints a JSON report (``"ok": true`` when every step passed, the timings, the tables and rows
compared, any difference) and exits 0 only then. Everything it started is stopped and the temporary
folder removed, whatever happens. The project's environment (``DJANGO_SETTINGS_MODULE``,
``SECRET_KEY``, ``REDIS_URL``...) comes from the caller; ``DATABASE_URL`` is set to the restored
cluster. PostgreSQL refuses to run as root: when root, the cluster runs as ``postgres``.

Run it against a recent backup of production each quarter (deploy/README.md, "Backup and
restore"); ``tests/topology/loopback/test_restore_drill.py`` runs it against the loopback primary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_ids() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def _spawn(argv: list[str], *, log: Path, env: dict[str, str], as_postgres: bool = False) -> subprocess.Popen[bytes]:
    ids = _pg_ids() if as_postgres else None
    with log.open("ab") as out:
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            user=ids[0] if ids else None,
            group=ids[1] if ids else None,
            extra_groups=[] if ids else None,
        )


def _run(argv: list[str], *, log: Path, env: dict[str, str] | None = None, as_postgres: bool = False) -> int:
    return _spawn(argv, log=log, env=env if env is not None else dict(os.environ), as_postgres=as_postgres).wait()


def _count_rows(connection: psycopg.Connection[Any]) -> dict[str, int]:
    tables = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    counts = {}
    for (table,) in tables:
        row = connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
        counts[str(table)] = int(row[0]) if row else 0
    return counts


def drill(source: str, workdir: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"ok": False, "timings": {}}
    timings: dict[str, float] = report["timings"]
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if (ids := _pg_ids()) is not None:
        os.chown(workdir, *ids)
        os.chown(logs, *ids)
    children: list[tuple[subprocess.Popen[bytes], int]] = []

    def step(name: str) -> float:
        timings[name] = round(time.monotonic() - step.started, 2)  # type: ignore[attr-defined]
        step.started = time.monotonic()  # type: ignore[attr-defined]
        return timings[name]

    step.started = time.monotonic()  # type: ignore[attr-defined]
    try:
        # 1. The backup, and the source's row counts in the very snapshot it was taken in.
        dump = workdir / "backup.dump"
        with psycopg.connect(source) as connection:
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot_row = connection.execute("SELECT pg_export_snapshot()").fetchone()
            assert snapshot_row is not None
            source_counts = _count_rows(connection)
            code = _run(
                [
                    str(PG_BIN / "pg_dump"),
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot_row[0]}",
                    "-f",
                    str(dump),
                    source,
                ],
                log=logs / "pg_dump.log",
            )
            if code != 0:
                raise RuntimeError(f"pg_dump failed ({code})")
        dump.chmod(0o644)
        report["backup_bytes"] = dump.stat().st_size
        step("backup")

        # 2. A fresh cluster with the backup restored.
        datadir = workdir / "restored"
        env_pg = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        if _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            log=logs / "initdb.log",
            env=env_pg,
            as_postgres=True,
        ):
            raise RuntimeError("initdb failed")
        port = _free_port()
        postgres = _spawn(
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(datadir),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={workdir}",
                "-c",
                "fsync=off",
            ],
            log=logs / "postgres.log",
            env=env_pg,
            as_postgres=True,
        )
        children.append((postgres, signal.SIGINT))
        restored = f"postgres://postgres@127.0.0.1:{port}/restored"
        deadline = time.monotonic() + 60
        while _run([str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)], log=logs / "pg_isready.log"):
            if postgres.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the restored cluster did not start")
            time.sleep(0.2)
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE restored")
        if _run(
            [str(PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            log=logs / "pg_restore.log",
        ):
            raise RuntimeError("pg_restore failed (logs/pg_restore.log)")
        step("restore")

        # 3. The restored schema is the code's.
        env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
        env.update(DATABASE_URL=restored, DATABASE_POOL="false", PYTHONUNBUFFERED="1")
        code = _run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--check", "--noinput"],
            log=logs / "migrate.log",
            env=env,
        )
        report["migrate_check"] = "ok" if code == 0 else f"exit {code}"
        if code != 0:
            raise RuntimeError("manage.py migrate --check: unapplied migrations or an error (logs/migrate.log)")
        step("migrate_check")

        # 4. A web process serves /healthz/ready from it.
        web_port = _free_port()
        web = _spawn(
            [
                str(VENV_BIN / "gunicorn"),
                "intranet.wsgi:application",
                "-c",
                "deploy/gunicorn.conf.py",
                "--control-socket",
                str(workdir / "web.ctl"),
            ],
            log=logs / "web.log",
            env={**env, "PORT": str(web_port), "WEB_WORKERS": "1", "WEB_THREADS": "2"},
        )
        children.append((web, signal.SIGQUIT))
        ready = f"http://127.0.0.1:{web_port}/healthz/ready"
        deadline = time.monotonic() + 120
        status: int | str = "no answer"
        while time.monotonic() < deadline:
            if web.poll() is not None:
                raise RuntimeError("the web process exited (logs/web.log)")
            try:
                with urllib.request.urlopen(ready, timeout=3) as response:
                    status = response.status
                    break
            except urllib.error.HTTPError as error:
                status = error.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        report["healthz_ready"] = status
        if status != 200:
            raise RuntimeError(f"/healthz/ready answered {status}")
        step("serve")

        # 5. Equal row counts, table by table.
        with psycopg.connect(restored) as connection:
            restored_counts = _count_rows(connection)
        report["tables"] = len(source_counts)
        report["rows"] = sum(source_counts.values())
        report["differences"] = {
            table: {"source": source_counts.get(table), "restored": restored_counts.get(table)}
            for table in sorted(set(source_counts) | set(restored_counts))
            if source_counts.get(table) != restored_counts.get(table)
        }
        step("compare")
        report["ok"] = not report["differences"]
    except Exception as error:  # the report says what failed; the exit code fails the caller
        report["error"] = str(error)
    finally:
        for child, stop in reversed(children):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, stop)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(10)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(5)
    report["total_seconds"] = round(sum(timings.values()), 2)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--source", default=os.environ.get("DATABASE_URL"), help="the database to back up (default DATABASE_URL)"
    )
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    if not args.source:
        parser.error("--source or DATABASE_URL is required")
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="intranet-restore-"))
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)
    try:
        report = drill(args.source, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
