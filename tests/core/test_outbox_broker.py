"""A broker outage loses nothing: posts made while Redis is down succeed for their author, and
every notification arrives exactly once after the broker is back (real Redis, real worker)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from communities.api import Membership
from intranet.core import outbox
from intranet.core.models import OutboxEvent
from intranet.notifications.models import Notification
from tests.communities.factories import CommunityFactory, add_person
from tests.support.broker import Broker
from tests.support.broker import wait as _wait
from tests.support.databases import database_url
from tests.support.forms import with_key

pytestmark = [pytest.mark.worker, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 5
POSTS = 3


def _forget_producers(app: Any) -> None:
    """Drop kombu's process-wide producer pools: a producer an earlier (eager) test acquired would
    otherwise publish to the broker it was made for, and a dead broker would look alive."""
    import kombu.pools

    kombu.pools.reset()
    app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Broker]:
    """The Celery app of this process sends to a private broker for the test's duration."""
    from intranet.celery import app

    # Celery prefers these variables to its configuration (CI sets the first).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    instance = Broker(tmp_path)
    instance.start()
    queue = f"outbox-test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf.get(key) for key in ("task_always_eager", "broker_url", "result_backend", "task_routes")}
    app.close()
    app.conf.update(
        task_always_eager=False, broker_url=instance.url, result_backend=None, task_routes={"*": {"queue": queue}}
    )
    app.amqp.router = app.amqp.Router()  # type: ignore[misc]
    _forget_producers(app)
    instance.queue = queue  # type: ignore[attr-defined]
    try:
        yield instance
    finally:
        app.close()
        app.conf.update(saved)
        app.amqp.router = app.amqp.Router()  # type: ignore[misc]
        _forget_producers(app)
        instance.stop()


def _start_worker(broker: Broker, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
        "DATABASE_URL": database_url(),
        "DATABASE_POOL": "false",
        "REDIS_URL": broker.url,
        "CELERY_ALWAYS_EAGER": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    command = [
        sys.executable, "-m", "celery", "-A", "intranet", "worker", "--pool=solo", "--loglevel=INFO",
        "-Q", broker.queue, "-n", f"{broker.queue}@localhost",  # type: ignore[attr-defined]
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_posts_made_while_the_broker_is_down_notify_everyone_exactly_once(
    transactional_db, client, broker: Broker, tmp_path: Path
) -> None:
    community = CommunityFactory.create(name="Outage Garden")
    owner = add_person(community, role=Membership.Role.OWNER, display_name="Olga Owner")
    members = [add_person(community, display_name=f"Member {n}") for n in range(MEMBERS)]
    client.force_login(owner)

    broker.stop()
    url = reverse("communities:post_create", kwargs={"slug": community.slug})
    started = time.monotonic()
    for n in range(POSTS):
        data = {"kind": "announcement", "title": f"Outage news {n}", "body": "The broker is down.", "tags": ""}
        response = client.post(url, with_key(data))
        # The author sees success: the post and its event are committed.
        assert response.status_code == 302, response.content.decode()[:2000]
    request_seconds = (time.monotonic() - started) / POSTS
    assert not Notification.objects.exists()
    waiting = OutboxEvent.objects.filter(relayed_at__isnull=True)
    assert waiting.count() >= POSTS

    broker.start()
    log = tmp_path / "worker.log"
    worker = _start_worker(broker, log)
    try:
        call_command("outbox_relay", "--all")
        assert outbox.pending_count() == 0
        expected = POSTS * MEMBERS

        def arrived() -> bool:
            if worker.poll() is not None:
                pytest.fail(f"the worker died:\n{log.read_text(errors='replace')[-4000:]}")
            return Notification.objects.count() >= expected

        _wait(arrived, what="the notifications", log=log)
        # A second sweep and a redelivery of every event (as after a worker crash) add nothing.
        call_command("outbox_relay", "--all")
        for event in OutboxEvent.objects.all():
            for sub in outbox.subscribers_of(event.name, outbox.QUEUED):
                outbox._send(event.pk, sub)
        # The solo worker takes its queue in order: once a marker task sent last has run, every
        # redelivery before it has run too (no waiting for a quiet period).
        from intranet.celery import app

        marker = app.send_task("celery.accumulate", args=("marker",), queue=broker.queue)  # type: ignore[attr-defined]
        _wait(
            lambda: f"celery.accumulate[{marker.id}] succeeded" in log.read_text(errors="replace"),
            what="the redeliveries",
            log=log,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)

    rows = Notification.objects.filter(recipient__in=members)
    assert rows.count() == POSTS * MEMBERS
    per_person = rows.values("recipient_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_person} == {POSTS}
    assert not Notification.objects.filter(recipient=owner).exists()
    # The outage cost each request one quick publish retry, not a hang.
    assert request_seconds < 5, request_seconds
