"""One web process killed during a bounded load (issue 21, item 4, fourth bullet): the balancer
fails over, every post acknowledged to a client is in the database, none twice.

Clients behave like the browser's form: an answer that never came (a connection reset, a 502
from the balancer) is sent again with the same idempotency key, so a post the dead process saved
before it died is answered, not created again (intranet/core/idempotency.py)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import psycopg
import requests

from .client import Browser, post_id, record, served_by

POSTERS = ("poster1", "poster2", "poster3", "poster4")
POSTS_EACH = 20
KILL_AFTER = 20  # acknowledged posts before web1 is killed
ATTEMPTS = 8


def test_a_killed_web_process_loses_no_acknowledged_post(topology: Any, seed: dict[str, Any]):
    run = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    acknowledged: dict[str, int] = {}
    errors: list[str] = []
    given_up: list[str] = []
    served: dict[str, int] = {}

    def post_all(name: str) -> None:
        browser = Browser(topology)
        assert browser.login(seed["people"][name]["email"], seed["password"]).status_code == 302
        for number in range(POSTS_EACH):
            title = f"Load {run} {name} {number}"
            key = uuid.uuid4()
            for _attempt in range(ATTEMPTS):
                try:
                    response = browser.create_post(seed["community"]["slug"], title, key=key)
                except requests.RequestException as error:
                    with lock:
                        errors.append(type(error).__name__)
                    time.sleep(0.2)
                    continue
                if response.status_code == 302:
                    with lock:
                        acknowledged[title] = post_id(response)
                        served[served_by(response)] = served.get(served_by(response), 0) + 1
                    break
                with lock:
                    errors.append(f"HTTP {response.status_code}")
                time.sleep(0.2)
            else:
                with lock:
                    given_up.append(title)

    threads = [threading.Thread(target=post_all, args=(name,)) for name in POSTERS]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while len(acknowledged) < KILL_AFTER and any(thread.is_alive() for thread in threads):
        time.sleep(0.01)
    topology.kill("web1")
    killed_at = len(acknowledged)
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started

    with psycopg.connect(topology.pg_url("primary")) as connection:
        rows = connection.execute(
            "SELECT id, title FROM communities_post WHERE title LIKE %s", [f"Load {run} %"]
        ).fetchall()
    stored = {row[0] for row in rows}
    titles = [row[1] for row in rows]
    lost = sorted(set(acknowledged.values()) - stored)
    duplicates = len(titles) - len(set(titles))
    record(
        "failover",
        posts_sent=len(POSTERS) * POSTS_EACH,
        seconds=round(elapsed, 1),
        killed_after_acknowledged=killed_at,
        acknowledged=len(acknowledged),
        in_database=len(rows),
        lost=len(lost),
        duplicates=duplicates,
        client_visible_errors=len(errors),
        error_kinds=sorted(set(errors)),
        given_up=len(given_up),
        answers_by_process=served,
    )
    assert lost == []
    assert duplicates == 0
    assert given_up == []
    assert len(acknowledged) == len(POSTERS) * POSTS_EACH
    assert set(acknowledged.values()) == stored
    assert served.get("web2", 0) > 0

    # Back to two processes for the tests after this one.
    topology.restart("web1")
    topology.wait_http(f"http://127.0.0.1:{topology.ports['web1']}/healthz/ready", timeout=120)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if served_by(Browser(topology).get("/healthz/live")) == "web1":
            break
        time.sleep(0.3)
