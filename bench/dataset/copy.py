"""Loading machinery of the reference-scale dataset (:mod:`bench.dataset.generate`): COPY on several
connections at once, and dropping and rebuilding indexes and constraints around the load.

Measured on the 2-core reference machine (issue 4): computing the posts' generated search vectors
(German and English stemming of title and text) costs PostgreSQL more CPU than Python spends
generating the rows, so the rows go out through two connections while Python produces the next
chunk; afterwards the indexes and constraints are rebuilt on two connections too (the posts' GIN
index on one, everything else on the other), with a large ``maintenance_work_mem``.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psycopg
from django.db import connection

#: Session settings of the loading connections: commits need not wait for the disk (a crash while
#: seeding means seeding again anyway) and index builds get memory (GIN builds above all).
LOAD_SETTINGS = {
    "synchronous_commit": "off",
    "maintenance_work_mem": "1GB",
    "max_parallel_maintenance_workers": "2",
    "work_mem": "256MB",
}


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


def connect() -> psycopg.Connection[Any]:
    """A plain psycopg connection to Django's default database, tuned with :data:`LOAD_SETTINGS`."""
    params = connection.get_connection_params()
    wanted = {key: params[key] for key in ("dbname", "user", "password", "host", "port") if params.get(key)}
    options = " ".join(f"-c {name}={value}" for name, value in LOAD_SETTINGS.items())
    conn = psycopg.connect(**wanted, options=options, autocommit=False)
    return conn


def backend_cpu(conn: psycopg.Connection[Any]) -> float | None:
    """CPU seconds the server process of ``conn`` has used so far, when the server runs on this
    machine (for the profile the command prints); ``None`` otherwise."""
    try:
        pid = conn.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _columns(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


#: One chunk of rows: table -> (columns, rows). Tables are written in the mapping's order.
Chunk = Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]]


@dataclass
class ParallelCopy:
    """COPY chunks through ``workers`` connections, each chunk in one transaction of its own.

    ``submit`` blocks while ``depth`` chunks wait, so Python never runs far ahead of PostgreSQL.
    Chunks must not depend on each other (the foreign keys are dropped while loading). The rows
    are deterministic whatever order the chunks land in: ids come from the generator.
    """

    workers: int = 2
    depth: int = 2
    counts: dict[str, int] = field(default_factory=dict)
    #: CPU seconds the server spent on the chunks (0 when it cannot be read).
    server_cpu: float = 0.0
    _queue: queue.Queue[Chunk | None] = field(init=False)
    _threads: list[threading.Thread] = field(init=False, default_factory=list)
    _errors: list[BaseException] = field(init=False, default_factory=list)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    inline: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._queue = queue.Queue(maxsize=self.depth)

    def __enter__(self) -> ParallelCopy:
        # Inside a transaction (tests) other connections cannot see its rows and would wait for
        # its locks: write through Django's connection instead, one chunk after the other.
        self.inline = connection.in_atomic_block
        if self.inline:
            return self
        for n in range(self.workers):
            thread = threading.Thread(target=self._run, name=f"copy-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.inline:
            return
        for _thread in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        if self._errors and exc[0] is None:
            raise self._errors[0]

    def submit(self, chunk: Chunk) -> None:
        if self._errors:
            raise self._errors[0]
        if self.inline:
            with connection.cursor() as cursor:
                _write(cursor.cursor, chunk)
            self._count(chunk)
            return
        self._queue.put(chunk)

    def _count(self, chunk: Chunk) -> None:
        with self._lock:
            for table, pair in chunk.items():
                self.counts[table] = self.counts.get(table, 0) + len(pair[1])

    def _run(self) -> None:
        conn = connect()
        started = backend_cpu(conn)
        try:
            while (chunk := self._queue.get()) is not None:
                if self._errors:
                    continue  # drain: the main thread raises the first error
                try:
                    with conn.transaction(), conn.cursor() as cursor:
                        _write(cursor, chunk)
                    self._count(chunk)
                except BaseException as error:
                    self._errors.append(error)
        finally:
            ended = backend_cpu(conn)
            if started is not None and ended is not None:
                with self._lock:
                    self.server_cpu += ended - started
            conn.close()


def _write(cursor: Any, chunk: Chunk) -> None:
    for table, (columns, rows) in chunk.items():
        if not rows:
            continue
        with cursor.copy(f"COPY {table} ({_columns(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# --- indexes and constraints around the load ---------------------------------------------------


@dataclass
class Deferred:
    indexes: list[tuple[str, str, str]]  # (table, name, CREATE INDEX ...)
    uniques: list[tuple[str, str, str]]  # (table, name, UNIQUE (...))
    foreign_keys: list[tuple[str, str, str]]  # (table, name, FOREIGN KEY ...)


def _saved(tables: Sequence[str]) -> Deferred:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
               ORDER BY i.indexname""",
            [list(tables)],
        )
        indexes = [(t, n, d) for t, n, d in cursor.fetchall()]
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%s) ORDER BY conname""",
            [list(tables)],
        )
        rows = cursor.fetchall()
    return Deferred(
        indexes=indexes,
        uniques=[(t, n, d) for t, n, kind, d in rows if kind == "u"],
        foreign_keys=[(t, n, d) for t, n, kind, d in rows if kind == "f"],
    )


@contextmanager
def indexes_deferred(tables: Sequence[str], stream: Stream, *, workers: int = 2) -> Iterator[None]:
    """Drop the foreign keys, unique constraints and plain indexes of ``tables`` (primary keys stay:
    ids only grow, so keeping them costs little), run the block, then rebuild them all from their
    saved definitions on ``workers`` connections at once (also when the block fails, so the schema
    is never left short; rows that break a constraint fail loudly then)."""
    saved = _saved(tables)
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction would block
        # ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in [*saved.foreign_keys, *saved.uniques]:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for _table, name, _definition in saved.indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        rebuild(saved, stream, workers=workers)


def rebuild(saved: Deferred, stream: Stream, *, workers: int = 2) -> None:
    """Rebuild on ``workers`` connections: the GIN indexes first (the longest jobs), then unique
    constraints and the other indexes, then the foreign keys, one at a time (two at once could
    deadlock on the two tables each of them locks). Adding a foreign key checks every row in one
    join, far cheaper than a check per inserted row."""
    gin = [(f"index {name}", d) for _t, name, d in saved.indexes if " USING gin " in d]
    rest = [(f"index {name}", d) for _t, name, d in saved.indexes if " USING gin " not in d]
    uniques = [(f"unique {n}", f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}') for t, n, d in saved.uniques]
    # Keys that touch the posts last: the posts' GIN build blocks them longest.
    keys = sorted(saved.foreign_keys, key=lambda fk: "communities_post" in (fk[0], fk[2]))
    foreign = [(f"foreign key {n}", f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}') for t, n, d in keys]
    if connection.in_atomic_block:  # see ParallelCopy: other connections would wait for our locks
        with connection.cursor() as cursor:
            for label, sql in [*gin, *uniques, *rest, *foreign]:
                started = time.monotonic()
                cursor.execute(sql)
                stream.write(f"{label:<70} {time.monotonic() - started:6.1f}s\n")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    pending: queue.Queue[tuple[str, str]] = queue.Queue()
    for job in [*gin, *uniques, *rest, *foreign]:
        pending.put(job)
    errors: list[BaseException] = []
    log_lock, key_lock = threading.Lock(), threading.Lock()

    def work() -> None:
        with connect() as conn:
            conn.autocommit = True
            while not errors:
                try:
                    label, sql = pending.get_nowait()
                except queue.Empty:
                    return
                started, cpu = time.monotonic(), backend_cpu(conn)
                try:
                    if label.startswith("foreign key"):
                        with key_lock:
                            conn.execute(sql)  # type: ignore[call-overload]
                    else:
                        conn.execute(sql)  # type: ignore[call-overload]
                except BaseException as error:
                    errors.append(error)
                    return
                after = backend_cpu(conn)
                used = f" (server CPU {after - cpu:5.1f}s)" if cpu is not None and after is not None else ""
                with log_lock:
                    stream.write(f"{label:<70} {time.monotonic() - started:6.1f}s{used}\n")
                    stream.flush()

    threads = [threading.Thread(target=work, name=f"ddl-{n}", daemon=True) for n in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
