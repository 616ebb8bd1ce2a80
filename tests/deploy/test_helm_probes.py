"""The exec probes of the Helm chart's worker and beat containers, run as the chart renders them
against a real Celery worker and a real beat (subprocesses on a private redis-server): a worker
answers its own liveness probe and a probe for another node fails; the beat probe recognises a
running beat and rejects any other process. Marked slow: each starts the project several times
(about 20 s on a quiet machine, a minute on a busy one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.test_helm import CI_VALUES, named, render
from tests.support.broker import Broker, wait
from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[2]
NODE_HOST = "intranet-worker-default-6d9f7c9b8-x2x7q"


def probe_commands(container_suffix: str) -> dict[str, list[str]]:
    deployment = named(render(CI_VALUES[0]), "Deployment", container_suffix)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return {kind: container[kind]["exec"]["command"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    instance = Broker(tmp_path)
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def process_env(broker: Broker, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    # Celery prefers this variable to the broker it is given (CI sets it).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "DATABASE_URL": database_url(),
        "DATABASE_POOL": "false",
        "REDIS_URL": broker.url,
        "CELERY_ALWAYS_EAGER": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def run_probe(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60)


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.redis
def test_a_running_worker_passes_its_probes_and_only_its_own(django_db_setup, process_env, tmp_path) -> None:
    # No database access of its own: the worker only needs the test database to exist.
    probes = probe_commands("-worker-default")
    log = tmp_path / "worker.log"
    worker = start(
        [sys.executable, "-m", "celery", "-A", "intranet", "worker", "--pool=solo", "--loglevel=INFO",
         "-n", f"celery@{NODE_HOST}", "--without-gossip", "--without-mingle"],
        process_env,
        log,
    )  # fmt: skip
    try:
        wait(lambda: "ready." in log.read_text(errors="replace"), what="the worker to start", log=log)
        # Start-up, liveness and readiness ask the same question (at different intervals).
        assert probes["startupProbe"] == probes["livenessProbe"] == probes["readinessProbe"]
        result = run_probe(probes["livenessProbe"], {**process_env, "HOSTNAME": NODE_HOST})
        assert result.returncode == 0, (result.stdout, result.stderr)
        assert "pong" in result.stdout
        # The probe asks for this pod's node only: another pod's worker does not answer for it.
        elsewhere = run_probe(probes["livenessProbe"], {**process_env, "HOSTNAME": "another-pod"})
        assert elsewhere.returncode != 0
    finally:
        stop(worker)


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.redis
def test_the_beat_probe_tells_a_running_beat_from_any_other_process(transactional_db, process_env, tmp_path) -> None:
    probes = probe_commands("-beat")
    log = tmp_path / "beat.log"
    beat = start(
        [sys.executable, "-m", "celery", "-A", "intranet", "beat", "--loglevel=INFO",
         "--schedule", str(tmp_path / "celerybeat-schedule")],
        process_env,
        log,
    )  # fmt: skip
    other = start([sys.executable, "-c", "import time; time.sleep(120)"], process_env, tmp_path / "other.log")
    try:
        wait(lambda: "beat: Starting" in log.read_text(errors="replace"), what="beat to start", log=log)
        # In the container beat is PID 1 (the entrypoint execs it); here it has its own PID.
        for kind, command in probes.items():
            assert command[:2] == ["python", "-c"] and "/proc/1/" in command[2], kind
            for pid, expected in ((beat.pid, 0), (other.pid, 1)):
                code = command[2].replace("/proc/1/", f"/proc/{pid}/")
                result = run_probe([sys.executable, "-c", code], process_env)
                assert result.returncode == expected, (kind, pid, result.stderr)
        stop(beat)
        code = probes["livenessProbe"][2].replace("/proc/1/", f"/proc/{beat.pid}/")
        assert run_probe([sys.executable, "-c", code], process_env).returncode != 0
    finally:
        stop(beat)
        stop(other)
