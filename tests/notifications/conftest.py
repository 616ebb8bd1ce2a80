"""Fixtures of the notification tests: people and communities, captured realtime events, German
catalogue for helpers' pending translations, and a real Celery worker on Redis."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from communities.core import services
from communities.models import Community, Membership
from intranet.accounts.models import User
from intranet.core.realtime import user_group
from tests.communities.factories import MembershipFactory, add_person, write_post  # noqa: F401  (the tests import them from here)
from tests.factories import UserFactory
from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[2]
Role = Membership.Role
State = Membership.State


@pytest.fixture
def owner(db) -> User:
    return UserFactory.create(display_name="Olga Owner")


@pytest.fixture
def community(owner) -> Community:
    return services.community_create(actor=owner, name="Solar Garden")


@pytest.fixture
def member(community) -> User:
    return add_person(community, display_name="Mia Member")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks) -> Callable[[Callable[[], Any]], Any]:
    """Run ``action`` and then its after-commit callbacks (tasks run eagerly in tests)."""

    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


class EventSink:
    """A channel subscribed to ``user.<id>``: what a browser tab of that person would receive."""

    def __init__(self, user_id: int) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(user_group(user_id), self.channel)

    def received(self) -> list[dict[str, Any]]:
        """The events published to the person so far: everything queued before a marker sent now
        (no waiting for quiet; an empty list is decided by the marker)."""
        marker = {"type": "test.marker", "token": uuid.uuid4().hex}

        async def collect() -> list[dict[str, Any]]:
            await self.layer.send(self.channel, {"type": "realtime.event", "event": marker})
            events: list[dict[str, Any]] = []
            while True:
                message = await asyncio.wait_for(self.layer.receive(self.channel), timeout=5)
                if message["event"] == marker:
                    return events
                events.append(message["event"])

        return async_to_sync(collect)()


@pytest.fixture
def events() -> Callable[[int], EventSink]:
    return EventSink


# A real Celery worker -----------------------------------------------------------------------------


class Worker:
    def __init__(self, queue: str, hostname: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.queue, self.hostname, self.process, self.log = queue, hostname, process, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def celery_worker(transactional_db, redis_url, tmp_path) -> Iterator[Worker]:
    """``celery -A intranet worker`` on the test database and a queue of its own.

    The test process sends its tasks there (not eagerly) while the fixture lives; the worker is
    stopped afterwards, before the database is flushed.
    """
    from intranet.celery import app

    queue = f"notify-test-{uuid.uuid4().hex[:12]}"
    hostname = f"{queue}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "DATABASE_URL": database_url(),
        "DATABASE_POOL": "false",
        "REDIS_URL": redis_url,
        "CELERY_ALWAYS_EAGER": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    log = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "intranet", "worker", "--pool=solo", "--loglevel=INFO",
        "-Q", queue, "-n", hostname, "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    saved = {
        key: app.conf.get(key)
        for key in ("task_always_eager", "broker_url", "result_backend", "task_default_queue", "task_routes")
    }
    app.close()
    app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        result_backend=redis_url,
        task_default_queue=queue,
        task_routes={"*": {"queue": queue}},
    )
    app.amqp.router = app.amqp.Router()  # type: ignore[misc]
    worker = Worker(queue, hostname, process, log)
    try:
        deadline = time.monotonic() + 90
        while not app.control.ping(destination=[hostname], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{worker.output()}")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        app.close()
        app.conf.update(saved)
        app.amqp.router = app.amqp.Router()  # type: ignore[misc]


def wait_for(condition: Callable[[], bool], *, timeout: float = 90, worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the Celery worker died:\n{worker.output()}")
        if time.monotonic() > deadline:
            pytest.fail("timed out" + (f"; worker log:\n{worker.output()[-5000:]}" if worker else ""))
        time.sleep(0.2)
