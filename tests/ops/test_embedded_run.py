"""``make run`` on a machine with only the checkout: embedded PostgreSQL, migrate, seed, serve, stop.

Drives ``scripts/dev.py run`` (what ``make run`` calls) as a real child process against a
throwaway data folder, with ``DATABASE_URL`` and ``REDIS_URL`` unset, on a free port.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Migrations, then the demo seed, which since issue 18 also writes twelve weeks of history and runs
# the nightly jobs once (the daily figures of 84 days): minutes on a busy shared CI machine.
START_TIMEOUT = 480


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in cmdline:
            found.append(proc)
    return found


@pytest.mark.timeout(START_TIMEOUT + 120)
@pytest.mark.slow
def test_make_run_serves_with_an_embedded_database_and_stops_cleanly(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log_path = tmp_path / "run.log"
    data_dir = tmp_path / "data"
    pgdata = data_dir / "postgres"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "scripts/dev.py", "run", "--data-dir", str(data_dir), "--port", str(port), "--noreload"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        ready = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = _get(f"{base}/healthz/ready")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                ready = None
            if ready and ready[0] == 200:
                break
            time.sleep(0.5)
        output = log_path.read_text(errors="replace")
        assert ready is not None and ready[0] == 200, f"not ready; supervisor output:\n{output[-4000:]}"
        # Without REDIS_URL tasks run inline: there is no broker to report.
        checks = json.loads(ready[1])["checks"]
        assert checks == {"database": "ok", "cache": "ok", "migrations": "ok", "broker": "inline"}

        status, body = _get(f"{base}/accounts/login/")
        assert status == 200
        assert b'type="password"' in body

        # The embedded server really is the one in our throwaway folder.
        assert (pgdata / "PG_VERSION").exists()
        assert _postgres_processes(pgdata), "no embedded postgres process found"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise

    output = log_path.read_text(errors="replace")
    assert proc.returncode == 0, output[-4000:]
    assert "Demo logins" in output
    assert "anna.mueller@demo.intranet.test" in output
    assert "Stopping embedded PostgreSQL" in output
    # Postgres takes a moment to let its last backends go after pg_ctl stop returns.
    deadline = time.monotonic() + 10
    while _postgres_processes(pgdata) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _postgres_processes(pgdata) == []
    assert not (pgdata / "postmaster.pid").exists()
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        _get(f"{base}/healthz/live")
