"""The multi-process topology on loopback (issue 21, item 4).

Starts, in a temporary folder and on free ports of 127.0.0.1, from Debian packages and the
project's own commands:

- a PostgreSQL 15 primary (``initdb``) and a streaming replica (``pg_basebackup -R``),
- PgBouncer in transaction pooling in front of the primary,
- Redis,
- two web processes (gunicorn with ``deploy/gunicorn.conf.py``) and two realtime processes
  (uvicorn), behind HAProxy (round robin, ``/ws/`` to realtime, ``X-Forwarded-Proto: https`` as a
  TLS-terminating balancer sends it),
- one Celery worker and one beat,

and stops every one of them afterwards whatever happens (each runs in its own process group; the
stop runs from ``finally``, ``atexit`` and on SIGTERM). The processes use the production settings
(``topology_settings.py`` only serves static files from the finders) with the primary behind
PgBouncer (``DATABASE_POOLER=pgbouncer``) and the replica in ``DATABASE_REPLICA_URLS``.

The schema comes from a template database that ``manage.py migrate`` keeps current on the server of
``DATABASE_URL`` (``<name>_topology_template``, re-migrated only when a migration or the pinned
packages change), dumped and restored into the primary: migrating from scratch takes minutes on two
cores, the restore seconds. Without ``DATABASE_URL`` the primary is migrated directly.

    python deploy/topology/run.py            # start, print the addresses, stop on Ctrl-C
    make test-topology                       # the tests of tests/topology/loopback

PostgreSQL and PgBouncer refuse to run as root: when root, they run as the ``postgres`` user.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = Path(sys.executable).parent
DB_NAME = "intranet"
#: Seconds Redis keeps a killed worker's task before handing it to another worker (short here: no
#: task of the topology runs longer; production derives it from the task time limit).
VISIBILITY_TIMEOUT = 5


def say(message: str) -> None:
    print(f"[topology] {message}", file=sys.stderr, flush=True)


def tool(name: str) -> str:
    """The absolute path of a Debian tool (PgBouncer and HAProxy live in /usr/sbin)."""
    path = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if path is None:
        raise RuntimeError(f"{name} is not installed (apt-get install haproxy pgbouncer redis-server)")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_user() -> tuple[int, int] | None:
    """The ``postgres`` account's uid and gid when running as root, else ``None``."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def migrations_fingerprint() -> str:
    """A hash of every migration file and of the pinned packages (whose apps migrate too)."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update((ROOT / "requirements.txt").read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Service:
    name: str
    argv: list[str]
    env: dict[str, str]
    as_postgres: bool = False
    stop_signal: int = signal.SIGTERM
    proc: subprocess.Popen[bytes] | None = None


@dataclass
class Topology:
    workdir: Path | None = None
    keep: bool = False
    ports: dict[str, int] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    timings: dict[str, float] = field(default_factory=dict)
    #: The people and communities of seed.py (ids, e-mail addresses, the password).
    seed: dict[str, Any] = field(default_factory=dict)
    _stopped: bool = False

    # Addresses ------------------------------------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['proxy']}"

    @property
    def origin(self) -> str:
        """What browsers send as ``Origin``: the balancer terminates TLS in a real deployment."""
        return f"https://127.0.0.1:{self.ports['proxy']}"

    def pg_url(self, which: str = "primary", db: str = DB_NAME) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[which]}/{db}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/0"

    # Processes ------------------------------------------------------------------------------------

    def app_env(self, **extra: str) -> dict[str, str]:
        """The environment of every project process of the topology."""
        env = {
            key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "CELERY_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="topology_settings",
            PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT)]),
            PYTHONUNBUFFERED="1",
            SECRET_KEY=self.secret_key,
            DATABASE_URL=self.pg_url("bouncer"),
            DATABASE_POOLER="pgbouncer",
            DATABASE_REPLICA_URLS=self.pg_url("replica"),
            DATABASE_POOL_MAX="6",
            REDIS_URL=self.redis_url,
            CELERY_BROKER_URL=self.redis_url,
            CELERY_ALWAYS_EAGER="false",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=self.origin,
            SITE_URL=self.origin,
            TRUSTED_PROXY_COUNT="1",
            FORWARDED_ALLOW_IPS="127.0.0.1",
            REQUIRE_MFA_FOR_STAFF="false",
            LOG_FORMAT="json",
            LOG_LEVEL="WARNING",
        )
        env.update(extra)
        return env

    def _log(self, name: str) -> Path:
        assert self.workdir is not None
        return self.workdir / "logs" / f"{name}.log"

    def _popen(self, argv: list[str], env: dict[str, str], *, as_postgres: bool, log: Path) -> subprocess.Popen[bytes]:
        ids = _pg_user() if as_postgres else None
        with log.open("ab") as out:
            return subprocess.Popen(
                argv,
                cwd=ROOT if not as_postgres else self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=ids[0] if ids else None,
                group=ids[1] if ids else None,
                extra_groups=[] if ids else None,
            )

    def start_service(self, service: Service) -> None:
        self.services[service.name] = service
        service.proc = self._popen(
            service.argv, service.env, as_postgres=service.as_postgres, log=self._log(service.name)
        )

    def restart(self, name: str) -> None:
        service = self.services[name]
        self.kill(name, signal.SIGKILL)
        service.proc = self._popen(service.argv, service.env, as_postgres=service.as_postgres, log=self._log(name))

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group of ``name`` (a gunicorn master and its workers,
        Celery's main process and its pool) and, for SIGKILL, wait until it is gone."""
        proc = self.services[name].proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        if sig == signal.SIGKILL:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)

    def run(
        self, argv: list[str], *, env: dict[str, str] | None = None, as_postgres: bool = False, name: str = "setup"
    ) -> None:
        """Run one set-up step to completion; its output goes to the step's log; fail loudly."""
        log = self._log(name)
        proc = self._popen(argv, env if env is not None else dict(os.environ), as_postgres=as_postgres, log=log)
        # Tracked, so that a stop in the middle of a set-up step (a timeout) stops it too.
        self.services[f"setup:{name}"] = Service(f"setup:{name}", argv, {}, as_postgres, proc=proc)
        code = proc.wait()
        del self.services[f"setup:{name}"]
        if code != 0:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{' '.join(argv[:3])}... failed (exit {proc.returncode}):\n{tail}")

    def manage(self, *args: str, env: dict[str, str] | None = None, name: str = "manage") -> None:
        self.run([sys.executable, str(ROOT / "manage.py"), *args], env=env or self.app_env(), name=name)

    def psql(self, sql: str, *, which: str = "primary", db: str = DB_NAME) -> str:
        result = subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-qAt", "-v", "ON_ERROR_STOP=1", self.pg_url(which, db), "-c", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    # Start ----------------------------------------------------------------------------------------

    def start(self) -> Topology:
        started = time.monotonic()
        atexit.register(self.stop)
        self.workdir = Path(tempfile.mkdtemp(prefix="intranet-topology-")) if self.workdir is None else self.workdir
        for sub in ("logs", "run"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        if (ids := _pg_user()) is not None:
            for path in (self.workdir, self.workdir / "logs", self.workdir / "run"):
                os.chown(path, *ids)
            self.workdir.chmod(0o755)
        for name in ("primary", "replica", "bouncer", "redis", "web1", "web2", "realtime1", "realtime2", "proxy"):
            self.ports[name] = free_port()

        dump = self._template_dump()
        self._step("primary", self._start_primary)
        self.start_service(
            Service(
                "redis",
                [
                    tool("redis-server"),
                    "--port",
                    str(self.ports["redis"]),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                dict(os.environ),
            )
        )
        self._step("schema", lambda: self._load_schema(dump))
        self._step("replica", self._start_replica)
        self._start_bouncer()
        self._wait_pg("bouncer")
        # The processes boot (imports, about half a minute on two cores) while the seed writes.
        self._step("spawn", self._spawn_processes)
        self._step("seed", self._seed)
        self._step("processes", self._wait_processes)
        self.timings["total"] = time.monotonic() - started
        say(f"up in {self.timings['total']:.1f} s: {json.dumps({k: round(v, 1) for k, v in self.timings.items()})}")
        return self

    def _step(self, name: str, action: Any) -> None:
        t0 = time.monotonic()
        action()
        self.timings[name] = time.monotonic() - t0

    def _template_dump(self) -> Path | None:
        """A custom-format dump of a migrated database, or ``None`` (then the primary is migrated)."""
        base = os.environ.get("TOPOLOGY_TEMPLATE_URL") or os.environ.get("DATABASE_URL")
        if not base:
            return None
        t0 = time.monotonic()
        parts = urlsplit(base)
        name = parts.path.lstrip("/") or "intranet"
        template_db = name if os.environ.get("TOPOLOGY_TEMPLATE_URL") else f"{name}_topology_template"
        template = urlunsplit(parts._replace(path=f"/{template_db}"))
        server = urlunsplit(parts._replace(path="/postgres"))
        fingerprint = migrations_fingerprint()
        with psycopg.connect(server, autocommit=True) as admin:
            row = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template_db]
            ).fetchone()
            if row is None:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template_db)))
            if row is None or row[0] != fingerprint:
                say(f"migrating the template database {template_db} (once per change of the migrations)")
                env = self.app_env(DATABASE_URL=template, DATABASE_REPLICA_URLS="", DATABASE_POOLER="")
                self.manage("migrate", "--noinput", env=env, name="migrate-template")
                admin.execute(
                    sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                        sql.Identifier(template_db), sql.Literal(fingerprint)
                    )
                )
        assert self.workdir is not None
        dump = self.workdir / "schema.dump"
        subprocess.run([str(PG_BIN / "pg_dump"), "-Fc", "--no-owner", "-f", str(dump), template], check=True)
        dump.chmod(0o644)
        self.timings["template"] = time.monotonic() - t0
        return dump

    def _postgres_argv(self, datadir: Path, port: int) -> list[str]:
        assert self.workdir is not None
        return [
            str(PG_BIN / "postgres"),
            "-D",
            str(datadir),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.workdir / 'run'}",
            "-c",
            "max_connections=100",
            "-c",
            "shared_buffers=32MB",
            # A throwaway cluster: durability against an operating-system crash is not under test
            # (a killed process loses nothing PostgreSQL acknowledged either way).
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "wal_level=replica",
            "-c",
            "max_wal_senders=4",
            "-c",
            "hot_standby=on",
            "-c",
            "logging_collector=off",
        ]

    def _start_primary(self) -> None:
        assert self.workdir is not None
        datadir = self.workdir / "primary"
        self.run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            as_postgres=True,
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
            name="initdb",
        )
        self.start_service(
            Service(
                "primary", self._postgres_argv(datadir, self.ports["primary"]), {"LANG": "C.UTF-8"}, True, signal.SIGINT
            )
        )
        self._wait_pg("primary")
        self.psql(f"CREATE DATABASE {DB_NAME}", db="postgres")

    def _load_schema(self, dump: Path | None) -> None:
        if dump is None:
            env = self.app_env(DATABASE_URL=self.pg_url("primary"), DATABASE_REPLICA_URLS="", DATABASE_POOLER="")
            self.manage("migrate", "--noinput", env=env, name="migrate")
            return
        self.run(
            [str(PG_BIN / "pg_restore"), "--no-owner", "-d", self.pg_url("primary"), str(dump)],
            name="restore-schema",
        )

    def _start_replica(self) -> None:
        assert self.workdir is not None
        datadir = self.workdir / "replica"
        self.run(
            [
                str(PG_BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.ports["primary"]),
                "-U",
                "postgres",
                "-D",
                str(datadir),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ],
            as_postgres=True,
            env={"PATH": os.environ.get("PATH", "")},
            name="basebackup",
        )
        self.start_service(
            Service(
                "replica", self._postgres_argv(datadir, self.ports["replica"]), {"LANG": "C.UTF-8"}, True, signal.SIGINT
            )
        )
        self._wait_pg("replica")

    def _start_bouncer(self) -> None:
        assert self.workdir is not None
        ini = self.workdir / "pgbouncer.ini"
        users = self.workdir / "userlist.txt"
        users.write_text('"postgres" ""\n')
        ini.write_text(
            "\n".join(
                [
                    "[databases]",
                    f"{DB_NAME} = host=127.0.0.1 port={self.ports['primary']} dbname={DB_NAME}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.ports['bouncer']}",
                    f"unix_socket_dir = {self.workdir / 'run'}",
                    "auth_type = trust",
                    f"auth_file = {users}",
                    "pool_mode = transaction",
                    "max_client_conn = 500",
                    "default_pool_size = 20",
                    "ignore_startup_parameters = extra_float_digits,options",
                    "",
                ]
            )
        )
        for path in (ini, users):
            path.chmod(0o644)
        # SIGTERM: PgBouncer's immediate shutdown (SIGINT waits for every client to leave).
        self.start_service(Service("bouncer", [tool("pgbouncer"), str(ini)], {}, True, signal.SIGTERM))

    def _wait_pg(self, which: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            done = subprocess.run(
                [str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.ports[which]), "-d", DB_NAME],
                check=False,
            )
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{which} did not accept connections within {timeout:.0f} s")

    def _seed(self) -> None:
        assert self.workdir is not None
        out = self.workdir / "seed.json"
        env = self.app_env(DATABASE_URL=self.pg_url("primary"), DATABASE_POOLER="", DATABASE_REPLICA_URLS="")
        self.run([sys.executable, str(HERE / "seed.py"), str(out)], env=env, name="seed")
        self.seed = json.loads(out.read_text())

    def _spawn_processes(self) -> None:
        assert self.workdir is not None
        for number in (1, 2):
            port = self.ports[f"web{number}"]
            self.start_service(
                Service(
                    f"web{number}",
                    [
                        str(VENV_BIN / "gunicorn"),
                        "intranet.wsgi:application",
                        "-c",
                        "deploy/gunicorn.conf.py",
                        # Each master its own control socket (the default is one per user).
                        "--control-socket",
                        str(self.workdir / "run" / f"web{number}.ctl"),
                    ],
                    self.app_env(PORT=str(port), WEB_WORKERS="1", WEB_THREADS="4"),
                    # SIGQUIT: gunicorn's quick shutdown (SIGTERM waits up to 30 s for requests).
                    stop_signal=signal.SIGQUIT,
                )
            )
            port = self.ports[f"realtime{number}"]
            self.start_service(
                Service(
                    f"realtime{number}",
                    [
                        str(VENV_BIN / "uvicorn"),
                        "intranet.asgi:application",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--proxy-headers",
                        "--forwarded-allow-ips",
                        "127.0.0.1",
                        "--no-access-log",
                    ],
                    self.app_env(),
                )
            )
        self.start_service(
            Service(
                "worker",
                [str(VENV_BIN / "celery"), "-A", "intranet", "worker", "--loglevel", "INFO", "--concurrency", "2"],
                self.app_env(),
                # Cold shutdown: unfinished tasks stay unacknowledged in Redis (acks_late).
                stop_signal=signal.SIGQUIT,
            )
        )
        self.start_service(
            Service(
                "beat",
                [str(VENV_BIN / "celery"), "-A", "intranet", "beat", "--loglevel", "INFO"],
                self.app_env(),
                stop_signal=signal.SIGQUIT,
            )
        )
        self._start_proxy()

    def _wait_processes(self) -> None:
        for name in ("web1", "web2", "realtime1", "realtime2"):
            self.wait_http(f"http://127.0.0.1:{self.ports[name]}/healthz/ready", timeout=120)
        self.wait_http(f"{self.proxy_url}/healthz/ready", timeout=30)
        self.wait_worker()

    def _start_proxy(self) -> None:
        assert self.workdir is not None
        cfg = self.workdir / "haproxy.cfg"
        check = "check inter 300ms fall 2 rise 2"
        cfg.write_text(
            f"""global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
    option redispatch
    retries 3

frontend intranet
    bind 127.0.0.1:{self.ports["proxy"]}
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    acl websocket path_beg /ws/
    use_backend realtime if websocket
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /healthz/live
    http-check expect status 200
    http-response set-header X-Served-By %s
    server web1 127.0.0.1:{self.ports["web1"]} {check}
    server web2 127.0.0.1:{self.ports["web2"]} {check}

backend realtime
    balance roundrobin
    option httpchk GET /healthz/live
    http-check expect status 200
    http-response set-header X-Served-By %s
    server realtime1 127.0.0.1:{self.ports["realtime1"]} {check}
    server realtime2 127.0.0.1:{self.ports["realtime2"]} {check}
"""
        )
        self.start_service(Service("proxy", [tool("haproxy"), "-db", "-f", str(cfg)], dict(os.environ)))

    def wait_http(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback process
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")

    def wait_worker(self, since: int = 0, timeout: float = 90) -> None:
        """Until the worker logs that it is ready to take tasks after byte ``since`` of its log
        (:meth:`worker_log_size` before a restart)."""
        log = self._log("worker")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            with log.open("rb") as handle:
                handle.seek(since)
                if b" ready." in handle.read():
                    return
            time.sleep(0.3)
        raise RuntimeError(f"the Celery worker was not ready within {timeout:.0f} s")

    def worker_log_size(self) -> int:
        log = self._log("worker")
        return log.stat().st_size if log.exists() else 0

    def _check_alive(self) -> None:
        for service in self.services.values():
            if service.proc is not None and service.proc.poll() is not None:
                tail = self._log(service.name).read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{service.name} exited with {service.proc.returncode}:\n{tail}")

    # Stop -----------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every process (politely, then SIGKILL to each process group), keep the logs under
        ``artifacts/topology/`` and remove the temporary folder. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        order = [
            "proxy",
            "beat",
            "worker",
            "web1",
            "web2",
            "realtime1",
            "realtime2",
            "bouncer",
            "replica",
            "primary",
            "redis",
        ]
        services = [self.services[name] for name in order if name in self.services]
        services += [service for name, service in self.services.items() if name not in order]
        for service in services:
            if service.proc is not None and service.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(service.proc.pid, service.stop_signal)
        deadline = time.monotonic() + 10
        for service in services:
            if service.proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    service.proc.wait(max(0.1, deadline - time.monotonic()))
        for service in services:
            if service.proc is not None:
                # Whatever still runs in the group (also children of a leader that exited) is killed.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(service.proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    service.proc.wait(5)
        if self.workdir is not None and self.workdir.exists():
            logs = ROOT / "artifacts" / "topology"
            with contextlib.suppress(OSError):
                shutil.rmtree(logs, ignore_errors=True)
                shutil.copytree(self.workdir / "logs", logs)
            if not self.keep:
                shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Topology:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def running() -> Iterator[Topology]:
    topology = Topology()
    with topology:
        yield topology


def _on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(143)


def main() -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    with running() as topology:
        say(f"balancer {topology.proxy_url} (origin {topology.origin})")
        say(f"primary {topology.pg_url('primary')}  replica {topology.pg_url('replica')}")
        say(f"pgbouncer {topology.pg_url('bouncer')}")
        say(f"logs in {topology.workdir}/logs; Ctrl-C stops everything")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
                topology._check_alive()
    return 0


if __name__ == "__main__":
    sys.exit(main())
