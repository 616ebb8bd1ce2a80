"""A Celery worker killed outright (SIGKILL of the whole worker, not a pool child) does not strand
its task (issue 17, item 11): Redis hands the unacknowledged task to another worker once the
visibility timeout has passed. Real workers as subprocesses, on a private redis-server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from intranet.settings.base import _LONGEST_RETRY_COUNTDOWN
from tests.support.broker import Broker, wait
from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 5


def test_the_visibility_timeout_outlasts_every_task_and_retry_countdown() -> None:
    from intranet.celery import app

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert visibility > _LONGEST_RETRY_COUNTDOWN
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        assert (task.time_limit or app.conf.task_time_limit) <= settings.CELERY_TASK_TIME_LIMIT, name
        if getattr(task, "retry_backoff", False):
            countdown = getattr(task, "retry_backoff_max", 600)
        else:
            countdown = task.default_retry_delay
        assert countdown <= _LONGEST_RETRY_COUNTDOWN, name


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    # Private: a short visibility timeout would redeliver other tests' tasks on a shared Redis.
    instance = Broker(tmp_path)
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()


class Workers:
    def __init__(self, broker: Broker, tmp: Path) -> None:
        self.broker, self.tmp = broker, tmp
        self.queue = f"redelivery-{uuid.uuid4().hex[:12]}"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
            "DATABASE_URL": database_url(),
            "DATABASE_POOL": "false",
            "REDIS_URL": self.broker.url,
            "CELERY_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }
        env.pop("CELERY_BROKER_URL", None)
        command = [
            sys.executable, "-m", "celery", "-A", "intranet", "worker", "--pool=prefork", "--concurrency=1",
            "--loglevel=INFO", "-Q", self.queue, "-n", f"{name}@localhost", "--include=tests.ops.celery_tasks",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self.log(name).open("wb") as out:
            # A session of its own: the whole worker (main process and pool child) can be killed.
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.mark.worker
@pytest.mark.redis
def test_a_killed_workers_task_runs_on_another_worker_within_a_minute(
    transactional_db, broker, tmp_path, monkeypatch
) -> None:
    # Celery prefers this variable to the broker it is given (CI sets it).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    journal = tmp_path / "journal.txt"
    workers = Workers(broker, tmp_path)
    # Not the current app: the project's app stays the one every other test sends through.
    sender = Celery("redelivery-test", broker=broker.url, set_as_current=False)
    try:
        first = workers.start("first")
        sender.send_task("tests.ops.record_and_sleep", args=(str(journal), 600), queue=workers.queue)

        def lines() -> list[str]:
            return journal.read_text().splitlines() if journal.exists() else []

        wait(
            lambda: lines() == ["start first@localhost"],
            what="the first worker to start the task",
            log=workers.log("first"),
        )
        workers.kill(first)
        killed = time.monotonic()

        workers.start("second")
        wait(
            lambda: "done second@localhost" in lines(),
            what="the task to run on the second worker",
            timeout=120,
            log=workers.log("second"),
        )
        assert time.monotonic() - killed < 60
        assert lines() == ["start first@localhost", "start second@localhost", "done second@localhost"]
    finally:
        sender.close()
        workers.stop_all()
