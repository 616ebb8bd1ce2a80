"""The Celery worker killed in the middle of a notification fan-out and started again: every
recipient gets the notification exactly once (issue 21, item 4, fifth bullet).

The task is acknowledged late (``acks_late``), so Redis hands it out again once the visibility
timeout has passed. The delivery and its outbox receipt share one transaction, which the kill rolls
back; the fan-out inserts ``ON CONFLICT DO NOTHING`` on (recipient, event), so a run that did
commit could never add a row twice either."""

from __future__ import annotations

import time
from typing import Any

import psycopg

from .client import Browser, post_id, record

# A transaction that has written and whose last statement inserted notifications: the fan-out.
FAN_OUT_RUNNING = """
SELECT pid, now() - xact_start FROM pg_stat_activity
WHERE backend_xid IS NOT NULL AND query LIKE '%INSERT INTO%notifications_notification%'
"""


def test_a_worker_killed_during_a_fan_out_notifies_everyone_once(topology: Any, seed: dict[str, Any]):
    author = Browser(topology)
    assert author.login(seed["people"]["fanauthor"]["email"], seed["password"]).status_code == 302
    created = author.create_post(seed["fanout"]["slug"], "Everyone, please read")
    assert created.status_code == 302, created.text[:500]
    event_key = f"post.created:{post_id(created)}"
    followers = seed["fanout"]["followers"]
    count_sql = "SELECT count(*), count(DISTINCT recipient_id) FROM notifications_notification WHERE event_key = %s"

    with psycopg.connect(topology.pg_url("primary"), autocommit=True) as connection:

        def counts() -> tuple[int, int]:
            row = connection.execute(count_sql, [event_key]).fetchone()
            assert row is not None
            return int(row[0]), int(row[1])

        # The delivery runs in one transaction with its outbox receipt: wait until the worker's
        # transaction has written notifications, then kill the worker in the middle of it.
        deadline = time.monotonic() + 60
        in_flight = None
        while in_flight is None and time.monotonic() < deadline:
            in_flight = connection.execute(FAN_OUT_RUNNING).fetchone()
            if in_flight is None:
                time.sleep(0.005)
        topology.kill("worker")
        at_kill = counts()[0]
        assert in_flight is not None, "the fan-out never started"
        assert at_kill < followers, f"the fan-out was done before the worker died ({at_kill} rows)"

        since = topology.worker_log_size()
        killed = time.monotonic()
        topology.restart("worker")
        topology.wait_worker(since)
        deadline = time.monotonic() + 90
        while counts()[0] < followers and time.monotonic() < deadline:
            time.sleep(0.2)
        done = time.monotonic() - killed
        total, distinct = counts()

    record(
        "worker_killed",
        recipients=followers,
        committed_when_killed=at_kill,
        fan_out_transaction_age_when_killed=str(in_flight[1]),
        notifications_after_restart=total,
        distinct_recipients=distinct,
        seconds_from_kill_to_complete=round(done, 1),
    )
    assert total == followers
    assert distinct == followers
