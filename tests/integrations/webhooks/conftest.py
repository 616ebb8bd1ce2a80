"""Fixtures of the webhook tests: a real HTTP receiver on loopback, people and communities, and a
real Celery worker that can be killed and started again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from communities.core import services as community_services
from communities.models import Community, Membership
from integrations.webhooks import services
from integrations.webhooks.models import Subscription
from intranet.accounts.models import User
from tests.communities.factories import add_person
from tests.factories import UserFactory
from tests.support.databases import database_url

ROOT = Path(__file__).resolve().parents[3]


# The receiver ------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    #: The subscription's secret verified the signature (standardwebhooks' own verifier).
    verified: bool

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass
class Receiver:
    """A threaded HTTP server on 127.0.0.1 that records every request and answers as told.

    ``answers`` maps a webhook-id to the statuses of its next requests (default 200);
    ``hold`` makes the next request wait until :meth:`release` (a worker killed mid-request).
    """

    server: ThreadingHTTPServer
    secret: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    #: How many 500s the next requests to a path get.
    fail_paths: dict[str, int] = field(default_factory=dict)
    fail_first: int = 0
    redirect_to: str = ""
    hold_next: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def release(self) -> None:
        self.released.set()

    def ids(self) -> list[str]:
        with self.lock:
            return [r.webhook_id for r in self.requests]

    def successful_ids(self) -> list[str]:
        with self.lock:
            return [r.webhook_id for r in self.requests if 200 <= r.status < 300]

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        verified = False
        if self.secret:
            try:
                Webhook(self.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        with self.lock:
            hold = self.hold_next
            self.hold_next = False
            webhook_id = headers.get("webhook-id", "")
            planned = self.answers.get(webhook_id)
            if planned:
                status = planned.pop(0)
            elif self.fail_paths.get(path, 0) > 0:
                self.fail_paths[path] -= 1
                status = 500
            elif self.fail_first > 0:
                self.fail_first -= 1
                status = 500
            elif self.redirect_to:
                status = 302
            else:
                status = 200
        if hold:
            self.held.set()
            self.released.wait(60)
        with self.lock:
            self.requests.append(Received(path, headers, body, status, verified))
        extra = {"Location": self.redirect_to} if status == 302 else {}
        return status, extra, b'{"ok": true}' if status < 300 else b"receiver says no"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, answer = receiver.handle(self.path, headers, body)
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextlib.contextmanager
def running_receiver(host: str = "127.0.0.1", port: int = 0) -> Iterator[Receiver]:
    server = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    receiver = Receiver(server=server)
    server.RequestHandlerClass = _handler(receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release()
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as instance:
        yield instance


# People ------------------------------------------------------------------------------------------


@pytest.fixture
def owner(db) -> User:
    return UserFactory.create(display_name="Olga Owner")


@pytest.fixture
def community(owner) -> Community:
    return community_services.community_create(actor=owner, name="Solar Garden")


@pytest.fixture
def member(community) -> User:
    return add_person(community, display_name="Mia Member")


@pytest.fixture
def coordinator(db) -> User:
    """Staff: coordinates every community."""
    return UserFactory.create(is_staff=True, display_name="Cora Coordinator")


def scoped_coordinator(*communities: Community) -> User:
    from communities.models import CoordinatorScope

    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    scope = CoordinatorScope.objects.create(user=user)
    scope.communities.set(communities)
    return user


def subscribe(actor: User, url: str, *, community: Community | None = None, events: list[str] | None = None):
    return services.subscription_create(
        actor=actor, url=url, community=community, event_types=events or ["post.created"]
    )


def owner_of(community: Community) -> User:
    return Membership.objects.get(community=community, role=Membership.Role.OWNER).user


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks) -> Callable[[Callable[[], Any]], Any]:
    """Run ``action`` and its after-commit callbacks (the outbox relay; Celery runs eagerly)."""

    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def verify_all(receiver: Receiver, subscription: Subscription) -> None:
    for request in receiver.requests:
        Webhook(subscription.secret).verify(request.body, request.headers)


# A real Celery worker ----------------------------------------------------------------------------


class Workers:
    """``celery -A intranet worker`` processes on one private queue; the test process sends there."""

    def __init__(self, redis_url: str, tmp: Path) -> None:
        self.redis_url, self.tmp = redis_url, tmp
        self.queue = f"webhooks-test-{uuid.uuid4().hex[:12]}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.count = 0

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def output(self) -> str:
        return "\n".join(self.log(f"w{i}").read_text(errors="replace")[-4000:] for i in range(1, self.count + 1))

    def start(self) -> subprocess.Popen[bytes]:
        from intranet.celery import app

        self.count += 1
        name = f"w{self.count}"
        hostname = f"{name}-{self.queue}@localhost"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
            "DATABASE_URL": database_url(),
            "DATABASE_POOL": "false",
            "REDIS_URL": self.redis_url,
            "CELERY_ALWAYS_EAGER": "false",
            "WEBHOOK_QUEUE": self.queue,
        }
        env.pop("CELERY_BROKER_URL", None)
        command = [
            sys.executable, "-m", "celery", "-A", "intranet", "worker", "--pool=solo", "--loglevel=INFO",
            "-Q", self.queue, "-n", hostname, "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self.log(name).open("wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        deadline = time.monotonic() + 90
        while not app.control.ping(destination=[hostname], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{self.output()}")
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture
def workers(transactional_db, redis_url, tmp_path, monkeypatch, settings) -> Iterator[Workers]:
    """Workers on the test database; the test process sends its tasks to their queue (not eagerly)
    while the fixture lives. The workers are stopped before the database is flushed."""
    from intranet.celery import app

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    pool = Workers(redis_url, tmp_path)
    settings.WEBHOOK_QUEUE = pool.queue
    saved = {
        key: app.conf.get(key)
        for key in ("task_always_eager", "broker_url", "result_backend", "task_default_queue", "task_routes")
    }
    app.close()
    app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        result_backend=redis_url,
        task_default_queue=pool.queue,
        task_routes={"*": {"queue": pool.queue}},
    )
    app.amqp.router = app.amqp.Router()  # type: ignore[misc]
    try:
        yield pool
    finally:
        pool.stop_all()
        app.close()
        app.conf.update(saved)
        app.amqp.router = app.amqp.Router()  # type: ignore[misc]


def wait_for(condition: Callable[[], bool], *, timeout: float = 90, workers: Workers | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out" + (f"; worker logs:\n{workers.output()}" if workers else ""))
        time.sleep(0.2)
