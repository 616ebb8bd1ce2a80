"""The load driver: wrk (C, one event loop per thread) runs each scenario of a plan for a fixed time
with a fixed number of concurrent connections, through :file:`bench/wrk.lua`, which replays the
scenario's requests with random signed-in people and counts status codes and the SQL queries of
each answer (the ``X-Bench-Queries`` header of the benchmark build).

``python -m bench.load PLAN.json OUT.json --base http://127.0.0.1:8000 --users 16 --duration 20
[--only a,b]``. The results hold one summary per scenario; :mod:`bench.report` turns them into
the table.

wrk rather than a Python load generator: the load shares the two cores with the server and
PostgreSQL, and wrk spends a few microseconds per request where locust spent about half a
millisecond, which capped the limit the pages are compared with.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("wrk.lua")
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
WARM_UP_SECONDS = 1
# "{key}" becomes a fresh idempotency key per request (wrk.lua): each post is a new submission.
POST_BODY = "kind=discussion&title=Benchmark+post+{n}&body=Text+of+benchmark+post+{n}.&idempotency_key={key}"


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("make bench needs wrk (Debian: apt-get install wrk)")
    return found


def requests_for(plan: dict[str, Any], scenario: str) -> list[str]:
    """The scenario's requests as lines of the TSV file :file:`wrk.lua` reads."""
    csrf = plan["csrf"]
    if scenario == "feed_deep":
        pairs = [(s, url) for s, url in plan["deep"]]
    else:
        if scenario == "feed_heavy":
            sessions = plan["heavy_sessions"] or plan["browsing"]
        elif scenario == "post_create":
            sessions = plan["posting"]
        else:
            sessions = plan["browsing"]
        pairs = [(s, url) for s in sessions for url in plan["scenarios"][scenario]]
    method, body = ("POST", POST_BODY) if scenario == "post_create" else ("GET", "")
    return [f"{method}\t{url}\tsessionid={s}; csrftoken={csrf}\t{csrf}\t{body}" for s, url in pairs]


def run_scenario(plan: dict[str, Any], scenario: str, *, base: str, users: int, duration: float) -> dict[str, Any]:
    lines = requests_for(plan, scenario)
    if not lines:
        return {"scenario": scenario, "skipped": "no requests in the plan"}
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as requests_file:
        requests_file.write("\n".join(lines) + "\n")

    def command(seconds: float) -> list[str]:
        return [
            wrk_binary(), "--connections", str(users), "--threads", str(min(2, users)),
            "--duration", f"{max(1, math.ceil(seconds))}s", "--timeout", "30s",
            "--script", str(SCRIPT), base, "--", requests_file.name,
        ]  # fmt: skip

    try:
        # One unrecorded second first: every worker opens its connections and fills its
        # per-process caches (content types, permissions, compiled templates) before it counts.
        subprocess.run(command(WARM_UP_SECONDS), capture_output=True, check=False)
        completed = subprocess.run(command(duration), capture_output=True, text=True, check=False)
    finally:
        Path(requests_file.name).unlink(missing_ok=True)
    marker = "BENCH-RESULT "
    found = [line[len(marker) :] for line in completed.stdout.splitlines() if line.startswith(marker)]
    if completed.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed for {scenario}: {completed.stdout[-2000:]} {completed.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(found[-1])
    errors = {f"socket {kind}": count for kind, count in result.pop("socket_errors").items() if count}
    # A page answers 200 and post create redirects (302) to the new post; anything else (a
    # redirect to the login or to HTTPS included) is an error.
    expected = "302" if scenario == "post_create" else "200"
    for status, count in result["statuses"].items():
        if status != expected:
            errors[status] = errors.get(status, 0) + count
    for key in ("queries_min", "queries_max", "queries_mean"):
        if result[key] < 0:
            result[key] = None
    return {"scenario": scenario, "users": users, **result, "errors": errors}


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
