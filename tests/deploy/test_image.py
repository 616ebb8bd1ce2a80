"""The container image (deploy/Containerfile, issue 21 item 1) builds through ``make image``'s script
and runs: ``migrate``, then ``web``, ``realtime`` and ``worker`` on a read-only root filesystem
against this run's test database and Redis, as a non-root user, with the static files collected at
build time.

The first build on a machine takes several minutes (the Debian bases are debootstrapped, then
cached outside the checkout); later ones reuse the cached bases and podman's layers. The test fails,
never skips, when podman or mmdebstrap is missing (``make test`` deselects it on machines without
podman unless ``REQUIRE_SERVICES=1``, as in CI).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import pytest

from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "deploy" / "image" / "build.sh"
CONTAINERS_CONF = ROOT / "deploy" / "image" / "containers.conf"
IMAGE = "localhost/intranet:test"
READY_TIMEOUT = 120.0
NON_ROOT_UID = "10001"

# redis: make test leaves it out with the other Redis tests when REDIS_URL is unset.
pytestmark = [pytest.mark.slow, pytest.mark.image, pytest.mark.redis]


def _podman_env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}


def _require_tools() -> None:
    missing = [tool for tool in ("podman", "runc", "mmdebstrap") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"the image test needs {', '.join(missing)} (apt-get install podman runc mmdebstrap; .ci/run does it)",
            pytrace=False,
        )


def _podman(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], env=_podman_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        pytest.fail(f"podman {' '.join(args[:3])} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _container_env(port: int, redis: str) -> list[str]:
    """``--env`` arguments of a production-like container reaching this run's services."""
    values = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": redis,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "0",
        "SECURE_SSL_REDIRECT": "false",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_MAX": "2",
    }
    return [arg for key, value in values.items() for arg in ("--env", f"{key}={value}")]


def _socket_volume() -> list[str]:
    """A Unix-socket database (the embedded PostgreSQL of ``make test``) is reached through its folder."""
    host = unquote(urlsplit(database_url()).netloc.rpartition("@")[2])
    if host.startswith("/"):
        return ["--volume", f"{host}:{host}"]
    return []


def _run_args(name: str, port: int, redis: str) -> list[str]:
    return [
        "run",
        "--name",
        name,
        "--read-only",
        "--network",
        "host",
        "--volume",
        f"{name}-media:/data/media",
        *_socket_volume(),
        *_container_env(port, redis),
    ]


def _wait_ready(name: str, base: str) -> dict[str, object]:
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        state = _podman("inspect", "--format", "{{.State.Status}}", name, check=False).stdout.strip()
        if state not in ("running", "created", "configured"):
            logs = _podman("logs", name, check=False)
            pytest.fail(f"container {name} stopped ({state}):\n{(logs.stdout + logs.stderr)[-6000:]}")
        try:
            status, _, body = _get(f"{base}/healthz/ready")
        except OSError as error:  # not listening yet
            last = repr(error)
        else:
            if status == 200:
                return dict(json.loads(body))
            last = f"{status} {body[:500]!r}"
        time.sleep(1)
    logs = _podman("logs", name, check=False)
    pytest.fail(
        f"{name}: /healthz/ready did not answer 200 within {READY_TIMEOUT:.0f} s (last: {last}):\n"
        f"{(logs.stdout + logs.stderr)[-6000:]}"
    )


def _wait_for_log(name: str, text: str, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    output = ""
    while time.monotonic() < deadline:
        logs = _podman("logs", name, check=False)
        output = logs.stdout + logs.stderr
        if text in output:
            return
        time.sleep(1)
    pytest.fail(f"{name} did not log {text!r} within {timeout:.0f} s:\n{output[-6000:]}")


@pytest.fixture
def image() -> str:
    """Builds the image through the script of ``make image``; the build log goes with a failure."""
    _require_tools()
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(BUILD_SCRIPT)],
        env={**_podman_env(), "IMAGE": IMAGE},
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert result.returncode == 0, f"the image build failed:\n{result.stderr[-8000:]}"
    # Shown with -s or -rP: the build time CI reports.
    sys.stderr.write(f"image built in {time.monotonic() - started:.0f} s\n")
    return IMAGE


@pytest.fixture
def containers() -> Iterator[list[str]]:
    """Names of the containers a test starts; removed (with their media volumes) whatever happens."""
    names: list[str] = []
    yield names
    for name in names:
        _podman("rm", "--force", "--time", "5", name, check=False)
        _podman("volume", "rm", "--force", f"{name}-media", check=False)


# django_db: the containers use this run's (migrated) test database, not the configured one.
@pytest.mark.django_db
@pytest.mark.timeout(1800)
def test_image_migrates_then_serves_web_realtime_and_worker_read_only(
    image: str, containers: list[str], redis_url: str
) -> None:
    # A Redis database of its own: the containers' cache keys never meet other tests'.
    redis = urlunsplit(urlsplit(redis_url)._replace(path="/12"))
    suffix = secrets.token_hex(4)

    # migrate: idempotent on the already-migrated test database, and works on a read-only root.
    migrate_name = f"intranet-test-migrate-{suffix}"
    containers.append(migrate_name)
    migrate = _podman(*_run_args(migrate_name, _free_port(), redis), image, "migrate", timeout=300, check=False)
    assert migrate.returncode == 0, f"migrate failed:\n{(migrate.stdout + migrate.stderr)[-6000:]}"
    assert "No migrations to apply" in migrate.stdout, migrate.stdout[-2000:]

    web_port, realtime_port = _free_port(), _free_port()
    web, realtime = f"intranet-test-web-{suffix}", f"intranet-test-realtime-{suffix}"
    worker = f"intranet-test-worker-{suffix}"
    containers.extend([web, realtime, worker])
    _podman(*_run_args(web, web_port, redis), "--detach", image, "web")
    _podman(*_run_args(realtime, realtime_port, redis), "--detach", image, "realtime")
    # A worker on a queue of its own (the private Redis database is its broker).
    worker_args = _run_args(worker, _free_port(), redis)
    _podman(*worker_args, "--env", "CELERY_QUEUES=image-test", "--detach", image, "worker", "--concurrency", "1")
    web_base, realtime_base = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{realtime_port}"

    checks = _wait_ready(web, web_base)
    assert checks["status"] == "ok"
    assert checks["checks"] == {"database": "ok", "cache": "ok", "migrations": "ok", "broker": "ok"}
    realtime_checks = _wait_ready(realtime, realtime_base)
    assert realtime_checks["status"] == "ok"

    # The worker answers a ping over the broker (it needs no HTTP probe).
    _wait_for_log(worker, " ready.")
    ping = _podman("exec", worker, "celery", "-A", "intranet", "inspect", "ping", "--timeout", "10", timeout=60)
    assert "pong" in ping.stdout, ping.stdout + ping.stderr

    # Neither process runs as root, and neither can write to its root filesystem.
    for name in (web, realtime, worker):
        assert _podman("exec", name, "id", "-u").stdout.strip() == NON_ROOT_UID
        assert _podman("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", name).stdout.strip() == "true"
        denied = _podman("exec", name, "touch", "/app/written-at-run-time", check=False)
        assert denied.returncode != 0 and "Read-only file system" in denied.stderr, denied.stderr
    # Only the media volume is writable besides /tmp.
    assert _podman("exec", web, "touch", "/data/media/probe", check=False).returncode == 0

    # Static files were collected (hashed, compressed) at build time and are served by WhiteNoise.
    manifest = json.loads(_podman("exec", web, "cat", "/app/staticfiles/staticfiles.json").stdout)
    css = manifest["paths"]["dist/css/main.css"]
    assert css != "dist/css/main.css"
    status, headers, body = _get(f"{web_base}/static/{css}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert len(body) > 1000

    # A real page: templates, hashed asset names, the compiled German catalogue (LANGUAGE_CODE=de).
    status, _, body = _get(f"{web_base}/accounts/login/", {"Accept-Language": "de"})
    page = body.decode()
    assert status == 200, page[:2000]
    assert f"/static/{css}" in page
    assert 'lang="de"' in page
    assert "Anmelden" in page
