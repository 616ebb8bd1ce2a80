"""``make bench``: the production servers as deployed (deploy/README.md: gunicorn for HTTP with
``deploy/gunicorn.conf.py``, uvicorn for websockets, ``intranet.settings.prod``, the full
middleware) plus a Celery worker, against a seeded database and Redis, loaded on loopback by
:mod:`bench.load` (wrk); then websocket delivery by :mod:`bench.ws`.

    DATABASE_URL=... REDIS_URL=... python -m bench.run [--duration 20] [--users 16]

The database must hold a dataset from ``manage.py seed_scale`` (``--seed-scale 0.05`` seeds one
first). Results go to ``artifacts/bench/`` (git-ignored): ``results.json`` and ``results.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import report

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(*, database_url: str, redis_url: str, out: Path, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings.prod",
        SECRET_KEY=secret,
        BENCHMARK="true",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(out / "static"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def collectstatic(env: dict[str, str], out: Path) -> subprocess.Popen[bytes] | None:
    """Start collecting the hashed, compressed static files the prod settings serve (kept between
    runs; about 30 s of CPU, so it runs while the database is seeded)."""
    manifest = out / "static" / "staticfiles.json"
    built = ROOT / "static" / "dist" / ".built"
    if manifest.exists() and (not built.exists() or manifest.stat().st_mtime > built.stat().st_mtime):
        return None
    return subprocess.Popen([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # the main process stops its own children (warm shutdown)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz/ready", timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not become ready:\n{log.read_text(errors='replace')[-3000:]}")


def worker_pids(master: int) -> list[int]:
    """The worker processes of the gunicorn master (its children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) != master:
            continue
        pids.append(int(entry.name))
    return sorted(pids)


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident size) of a process, in kB."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    return values


class MemorySampler(threading.Thread):
    """Peak RSS per worker per scenario and the peak (VmHWM) of every worker, sampled twice a
    second. The workers are looked up again on every sample, so a replaced worker is seen too."""

    def __init__(self, master: int, marker: Path) -> None:
        super().__init__(daemon=True)
        self.master, self.marker = master, marker
        self.peaks: dict[str, dict[int, int]] = {}
        self.hwm: dict[int, int] = {}
        self.stopped = threading.Event()

    def sample(self) -> None:
        with contextlib.suppress(OSError):
            scenario = self.marker.read_text().strip()
            for pid in worker_pids(self.master):
                values = memory(pid)
                self.hwm[pid] = max(self.hwm.get(pid, 0), values.get("VmHWM", 0))
                if scenario:
                    peaks = self.peaks.setdefault(scenario, {})
                    peaks[pid] = max(peaks.get(pid, 0), values.get("VmRSS", 0))

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(0.5)


def purge_celery(env: dict[str, str]) -> None:
    """Drop every queued task (the fan-out of the benchmark's own posts)."""
    subprocess.run(
        [str(BIN / "celery"), "-A", "intranet", "purge", "-f"], cwd=ROOT, env=env, capture_output=True, check=True
    )


def drain_celery(env: dict[str, str], timeout: float = 120.0) -> None:
    """Drop the fan-out the post-create scenario queued and wait for the worker to finish what it
    holds. That scenario creates about a thousand posts in the largest community within seconds,
    i.e. millions of notification rows for Celery; left running, that backlog shares the two cores
    with the websocket measurement and with the daily figures job."""
    purge_celery(env)
    celery = str(BIN / "celery")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = subprocess.run(
            [celery, "-A", "intranet", "inspect", "active", "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        try:
            busy = any(json.loads(answer.stdout.strip().splitlines()[-1]).values())
        except (ValueError, IndexError, AttributeError):
            busy = False
        if not busy:
            return
        time.sleep(1)


def figures_job_time(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Run the nightly community-figures job (issue 9) for one day, after the load, and return
    its wall time as measured inside the job (Django's start-up excluded)."""
    command = [PYTHON, "manage.py", "health_figures", "--json"]
    if args.figures_day:
        command += ["--day", args.figures_day]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"}
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    database_url = args.database_url or os.environ.get("DATABASE_URL", "")
    redis_url = args.redis_url or os.environ.get("REDIS_URL", "")
    if not database_url or not redis_url:
        raise SystemExit("make bench needs DATABASE_URL (a seeded database) and REDIS_URL")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = server_env(database_url=database_url, redis_url=redis_url, out=out, secret=secrets.token_urlsafe(50))
    static = collectstatic(env, out)
    if args.seed_scale:
        subprocess.run(
            [PYTHON, "manage.py", "seed_scale", "--scale", str(args.seed_scale), "--force"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "intranet.settings.dev"},
            check=True,
        )
    if static is not None and static.wait() != 0:
        raise SystemExit("collectstatic failed")
    port = args.port or free_port()
    ws_port = free_port()
    base = f"http://127.0.0.1:{port}"
    ws_base = f"http://127.0.0.1:{ws_port}"
    workers = args.workers or 2 * (os.cpu_count() or 1)
    # --bind below overrides the config's 0.0.0.0:$PORT: the benchmark listens on loopback only.
    web_env = {**env, "WEB_WORKERS": str(workers), "WEB_THREADS": str(args.threads), "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    gunicorn = [
        str(BIN / "gunicorn"), "intranet.wsgi:application", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    uvicorn = [
        str(BIN / "uvicorn"), "intranet.asgi:application", "--host", "127.0.0.1", "--port", str(ws_port),
        "--workers", str(os.cpu_count() or 1), "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
        "--no-access-log",
    ]  # fmt: skip
    celery = [str(BIN / "celery"), "-A", "intranet", "worker", "--loglevel", "WARNING", "--concurrency", "1"]
    # Tasks an earlier run left queued (the fan-out of its posts) would keep the worker busy
    # during this run's scenarios.
    purge_celery(env)
    started = time.monotonic()
    with (
        process(celery, env, out / "celery.log"),
        process(gunicorn, web_env, out / "server.log") as server,
        process(uvicorn, env, out / "realtime.log") as realtime,
    ):
        wait_ready(base, server, out / "server.log")
        wait_ready(ws_base, realtime, out / "realtime.log")
        plan_path = out / "plan.json"
        subprocess.run(
            [PYTHON, "-m", "bench.prepare", str(plan_path), "--users", str(args.sessions)],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        plan = json.loads(plan_path.read_text())
        raw_path = out / "raw.json"
        marker = Path(str(raw_path) + ".current")
        marker.write_text("")
        sampler = MemorySampler(server.pid, marker)
        sampler.start()
        load = [
            PYTHON, "-m", "bench.load", str(plan_path), str(raw_path), "--base", base,
            "--users", str(args.users), "--duration", str(args.duration),
        ]  # fmt: skip
        if args.only:
            load += ["--only", args.only]
        subprocess.run(load, cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": ""}, check=True)
        sampler.stopped.set()
        sampler.join()
        websocket: dict[str, Any] = {"skipped": "--ws-connections 0"}
        if args.ws_connections:
            drain_celery(env)
            try:
                websocket = asyncio.run(
                    __import__("bench.ws", fromlist=["measure"]).measure(
                        base=base, ws_base=ws_base, plan=plan, connections=args.ws_connections, posts=args.ws_posts
                    )
                )
            except Exception as error:
                websocket = {"error": f"{type(error).__name__}: {error}"}
        sampler.sample()
        peak_hwm = sampler.hwm
    figures_job = figures_job_time(env, args) if args.figures_job else None
    raw = json.loads(raw_path.read_text())
    results = report.summarise(
        raw,
        memory_peaks=sampler.peaks,
        hwm=peak_hwm,
        websocket=websocket,
        meta={
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "workers": workers,
            "threads": args.threads,
            "users": args.users,
            "duration": args.duration,
            "machine": report.machine(),
            "dataset": report.dataset(database_url),
            "plan": {k: plan[k] for k in ("largest", "hottest_post", "terms", "heavy_users")},
            "wall_seconds": round(time.monotonic() - started, 1),
        },
        figures_job=figures_job,
    )
    (out / "results.json").write_text(json.dumps(results, indent=1))
    (out / "results.md").write_text(report.markdown(results))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "bench"))
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds per scenario.")
    parser.add_argument("--users", type=int, default=16, help="Concurrent connections.")
    parser.add_argument("--sessions", type=int, default=200, help="Signed-in people drawn for the load.")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: two per core).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker (default 4).")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ws-connections", type=int, default=1000)
    parser.add_argument("--ws-posts", type=int, default=5)
    parser.add_argument("--only", default="", help="Comma-separated scenarios (default: all).")
    parser.add_argument("--seed-scale", type=float, default=0.0, help="Seed this scale first (replaces data).")
    parser.add_argument(
        "--no-figures-job", dest="figures_job", action="store_false", help="Skip timing the daily figures job."
    )
    parser.add_argument("--figures-day", default="", help="Day for the figures job (YYYY-MM-DD; default yesterday).")
    args = parser.parse_args()
    results = run(args)
    print(report.markdown(results))


if __name__ == "__main__":
    main()
