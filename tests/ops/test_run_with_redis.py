"""With ``REDIS_URL`` set, ``make run`` also runs a Celery worker and beat, and stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import pytest
from django.core.cache import caches
from django.db import connection

from intranet.core import health

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.django_db
def test_ready_round_trips_through_redis(client, settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    health.reset_migration_check()
    assert caches["default"].__class__.__name__ == "RedisCache"
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "ok"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.worker
@pytest.mark.django_db
@pytest.mark.timeout(240)
def test_run_starts_and_stops_celery_worker_and_beat(tmp_path, redis_url):
    # The (already migrated) test database: migrate is a no-op; no demo data is written.
    test_db = "/" + connection.settings_dict["NAME"]
    database_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=test_db))
    # A Redis database of its own, so this worker never takes tasks queued by other tests.
    private_redis = urlunsplit(urlsplit(redis_url)._replace(path="/13"))
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL")}
    env.update(DATABASE_URL=database_url, REDIS_URL=private_redis)
    port = _free_port()
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "scripts/dev.py", "run", "--port", str(port), "--noreload", "--no-seed"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        output = ""
        while time.monotonic() < deadline and proc.poll() is None:
            output = log_path.read_text(errors="replace")
            if "Press Ctrl-C to stop" in output and " ready." in output and "beat: Starting" in output:
                break
            time.sleep(0.5)
        assert "Press Ctrl-C to stop" in output, output[-4000:]
        assert " ready." in output, f"the Celery worker did not report ready:\n{output[-4000:]}"
        assert "beat: Starting" in output, f"Celery beat did not start:\n{output[-4000:]}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=5) as response:
            assert response.status == 200
        children = psutil.Process(proc.pid).children(recursive=True)
        commands = [" ".join(child.cmdline()) for child in children]
        assert any("celery" in c and " worker" in c for c in commands), commands
        assert any("celery" in c and " beat" in c for c in commands), commands
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    assert proc.returncode == 0, log_path.read_text(errors="replace")[-4000:]
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == []
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=5)
