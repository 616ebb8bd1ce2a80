#!/usr/bin/env python3
"""Forward-migration check (issue 16, item 2): a database of the last release migrates to this code.

1. ``git archive`` exports the reference revision (``FORWARD_MIGRATION_REF``, default ``1211efc``,
   the last release before the layout change) into a temporary directory;
2. a fresh, empty database is created next to ``DATABASE_URL``'s (same server);
3. the OLD code runs ``manage.py migrate`` and ``manage.py seed_demo`` against it;
4. the CURRENT code runs ``manage.py migrate`` against the same database and
   ``manage.py makemigrations --check --dry-run``.

Any error fails the check (exit 1); the database and the directory are removed afterwards. Both
trees run with this interpreter (one virtualenv) and ``intranet.settings.test`` without Redis, so
Celery runs inline and nothing leaves the process. ``make test`` runs it when the history holds
the reference commit (CI clones do).

Steps 1 and 3 take about a minute and depend only on the reference commit and the installed
packages, so their result is kept as a template database (``fwdmig_<commit>_<lock files hash>``)
on the same server; later runs clone it (a second) and only run step 4. ``--no-cache`` (or
``FORWARD_MIGRATION_NO_CACHE=1``) rebuilds from scratch and keeps nothing. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/intranet python scripts/check_forward_migration.py [REF]

Only the standard library and psycopg are needed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_REF = "1211efc"
REF_ENV = "FORWARD_MIGRATION_REF"
SETTINGS = "intranet.settings.test"


def say(message: str) -> None:
    print(f"==> forward migration: {message}", flush=True)


def reference() -> str:
    return os.environ.get(REF_ENV) or DEFAULT_REF


def has_commit(ref: str, cwd: Path = ROOT) -> bool:
    """Whether the history holds ``ref`` (a shallow clone or an exported tree may not)."""
    result = subprocess.run(["git", "cat-file", "-e", f"{ref}^{{commit}}"], cwd=cwd, capture_output=True, check=False)
    return result.returncode == 0


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server (query string kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def scratch_name(url: str) -> str:
    base = urlsplit(url).path.lstrip("/") or "intranet"
    return f"{base}_fwdmig_{os.getpid()}"[:63]


def resolve(ref: str) -> str:
    out = subprocess.run(["git", "rev-parse", f"{ref}^{{commit}}"], cwd=ROOT, capture_output=True, check=True)
    return out.stdout.decode().strip()


def template_name(commit: str) -> str:
    """The cache key: the reference commit and the lock files the virtualenv was built from."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt"):
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return f"fwdmig_{commit[:12]}_{digest.hexdigest()[:10]}"


def export_tree(ref: str, target: Path) -> None:
    """Extract the tree of ``ref`` into ``target`` (``git archive``; nothing of the work tree)."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


def _admin(url: str) -> object:
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def database_exists(url: str, name: str) -> bool:
    with _admin(url) as conn:  # type: ignore[attr-defined]
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def create_database(url: str, name: str, *, template: str | None = None) -> None:
    with _admin(url) as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_database(url: str, name: str) -> None:
    with _admin(url) as conn:  # type: ignore[attr-defined]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(tree: Path, env: dict[str, str], *args: str) -> None:
    label = f"{'reference' if tree != ROOT else 'current'} tree: manage.py {' '.join(args)}"
    t0 = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=tree, env=env, stdin=subprocess.DEVNULL, check=True)
    say(f"{label} ({time.monotonic() - t0:.1f} s)")


def child_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "PYTHONPATH"}}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PYTHONUNBUFFERED="1",
        # The demo data runs every notification task inline; their INFO lines would drown the output.
        LOG_LEVEL="WARNING",
        # Neither tree writes byte-code next to the other's sources.
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def check(ref: str, url: str, *, keep: bool = False, cache: bool = True) -> None:
    name = scratch_name(url)
    env = child_env(with_database(url, name))
    started = time.monotonic()
    commit = resolve(ref)
    template = template_name(commit)
    try:
        if cache and database_exists(url, template):
            say(f"cloning {template} (the reference's migrated demo database, kept from an earlier run)")
            create_database(url, name, template=template)
        else:
            with tempfile.TemporaryDirectory(prefix="fwdmig-") as tmp:
                old = Path(tmp) / "tree"
                old.mkdir()
                say(f"exporting {ref} ({commit[:12]}) into {old}")
                export_tree(commit, old)
                say(f"creating the empty database {name}")
                create_database(url, name)
                manage(old, env, "migrate", "--noinput", "-v", "0")
                manage(old, env, "seed_demo")
            if cache:
                create_database(url, template, template=name)
                say(f"kept {template} for the next runs")
        manage(ROOT, env, "migrate", "--noinput", "-v", "0")
        manage(ROOT, env, "makemigrations", "--check", "--dry-run")
    finally:
        if keep:
            say(f"kept database {name}")
        else:
            drop_database(url, name)
    say(f"passed in {time.monotonic() - started:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "ref", nargs="?", default=reference(), help=f"reference revision (default ${REF_ENV} or {DEFAULT_REF})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (for a look afterwards)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        default=os.environ.get("FORWARD_MIGRATION_NO_CACHE") == "1",
        help="build the reference database from scratch and keep no template",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        say("DATABASE_URL is unset")
        return 2
    if not has_commit(args.ref):
        say(f"the history has no commit {args.ref} (a shallow clone?)")
        return 2
    try:
        check(args.ref, url, keep=args.keep, cache=not args.no_cache)
    except subprocess.CalledProcessError as exc:
        say(f"FAILED: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
