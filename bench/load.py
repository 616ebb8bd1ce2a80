"""The load driver: locust (headless, FastHttpUser, in this process) runs each scenario of a plan for
a fixed time with a fixed number of concurrent users and records every request's latency, status
and SQL query count (the ``X-Bench-Queries`` header of the benchmark build).

``python -m bench.load PLAN.json OUT.json --base http://127.0.0.1:8000 --users 16 --duration 20
[--only a,b]``. The results hold raw per-request samples; :mod:`bench.report` summarises them.
Run as its own process: locust patches the standard library for gevent.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402 - after the gevent patch, as locust requires
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

QUERIES_HEADER = "X-Bench-Queries"
#: Order of a run: the limit first and last (its mean is the reference), post create at the end
#: because its Celery fan-out keeps the worker busy for a while after it.
ORDER = (
    "limit",
    "feed_first",
    "feed_heavy",
    "feed_deep",
    "directory",
    "community",
    "community_largest",
    "post",
    "post_hottest",
    "people",
    "search_common",
    "search_medium",
    "search_rare",
    "notifications",
    "limit",
    "post_create",
)


def requests_for(plan: dict[str, Any], scenario: str) -> list[tuple[str, str]]:
    """(session key, path) pairs a scenario draws from."""
    if scenario == "feed_deep":
        return [(s, url) for s, url in plan["deep"]]
    if scenario == "feed_heavy":
        sessions = plan["heavy_sessions"] or plan["browsing"]
    elif scenario == "post_create":
        sessions = plan["posting"]
    else:
        sessions = plan["browsing"]
    return [(s, url) for s in sessions for url in plan["scenarios"][scenario]]


class Recorder:
    def __init__(self) -> None:
        self.samples: list[tuple[float, int, int]] = []  # (ms, status, queries)
        self.errors: dict[str, int] = {}

    def on_request(self, response_time: float, response: Any, exception: Any, **_kw: Any) -> None:
        status = getattr(response, "status_code", 0) or 0
        queries = -1
        if response is not None and getattr(response, "headers", None) is not None:
            value = response.headers.get(QUERIES_HEADER)
            queries = int(value) if value and value.isdigit() else -1
        self.samples.append((float(response_time), int(status), queries))
        if exception is not None or not (200 <= status < 400):
            key = f"{status} {type(exception).__name__ if exception else ''}".strip()
            self.errors[key] = self.errors.get(key, 0) + 1


def run_scenario(plan: dict[str, Any], scenario: str, *, base: str, users: int, duration: float) -> dict[str, Any]:
    pairs = requests_for(plan, scenario)
    if not pairs:
        return {"scenario": scenario, "skipped": "no requests in the plan", "samples": [], "errors": {}}
    host = base.split("://", 1)[1]
    csrf = plan["csrf"]
    headers = {
        # Production runs behind a TLS proxy: the same header makes the prod settings see HTTPS.
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{host}",
        "Referer": f"https://{host}/",
    }
    posting = scenario == "post_create"
    counter = iter(range(10**9))

    class Visitor(FastHttpUser):
        wait_time = constant(0)
        network_timeout = 30.0
        connection_timeout = 30.0

        @task
        def visit(self) -> None:
            session, path = random.choice(pairs)  # noqa: S311 - load shaping, not security
            cookie = f"sessionid={session}; csrftoken={csrf}"
            if posting:
                n = next(counter)
                self.client.post(
                    path,
                    data={"kind": "discussion", "title": f"Benchmark post {n}", "body": f"Text of benchmark post {n}."},
                    headers={**headers, "Cookie": cookie, "X-CSRFToken": csrf},
                    name=scenario,
                    allow_redirects=False,
                )
            else:
                self.client.get(path, headers={**headers, "Cookie": cookie}, name=scenario, allow_redirects=False)

    Visitor.host = base
    recorder = Recorder()
    env = Environment(user_classes=[Visitor], events=events)
    env.events.request.add_listener(recorder.on_request)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)
    gevent.sleep(duration)
    # A scenario slower than its duration (a short smoke run on a busy machine) still reports:
    # wait for the first answer, up to the request timeout.
    deadline = time.monotonic() + Visitor.network_timeout
    while not recorder.samples and not recorder.errors and time.monotonic() < deadline:
        gevent.sleep(0.1)
    runner.quit()
    elapsed = time.monotonic() - started
    env.events.request.remove_listener(recorder.on_request)
    return {
        "scenario": scenario,
        "users": users,
        "seconds": elapsed,
        "samples": recorder.samples,
        "errors": recorder.errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("plan")
    parser.add_argument("out")
    parser.add_argument("--base", required=True)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    plan = json.loads(Path(args.plan).read_text())
    wanted = {name for name in args.only.split(",") if name}
    results = []
    for scenario in ORDER:
        if wanted and scenario not in wanted:
            continue
        print(f"scenario {scenario} ...", flush=True)
        # A marker file tells the orchestrator which scenario runs (for the memory samples).
        Path(args.out + ".current").write_text(scenario)
        results.append(run_scenario(plan, scenario, base=args.base, users=args.users, duration=args.duration))
    Path(args.out + ".current").write_text("")
    Path(args.out).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
