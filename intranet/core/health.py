"""Liveness and readiness probes for load balancers and orchestrators.

``/healthz/live`` answers as long as the process can run Python: it touches nothing else, so a slow
database never gets a healthy web process restarted. ``/healthz/ready`` answers 200 only when this
process can serve real traffic: the database answers, the cache round-trips a value and every
migration is applied. Otherwise it answers 503 and names the failing checks.

The Celery broker is reported (``"broker": "ok"``, ``"down"``, or ``"inline"`` when tasks run in
the calling process) but never makes the probe fail: the processes that answer it (web and
realtime) keep working without a broker, because every side effect waits in the event outbox until
the broker is back (``intranet.core.outbox``). Taking them out of the load balancer would turn a
delay of notifications into an outage. Workers serve no HTTP; ``celery inspect ping`` checks them.

``HealthCheckMiddleware`` (first in ``MIDDLEWARE``) answers both paths before host validation, the
HTTPS redirect, sessions and login, because probes come from the orchestrator over plain HTTP with
the pod's address as ``Host``. The URL patterns in ``intranet.core.urls`` exist for ``reverse()`` and
as a fallback should the middleware be removed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from celery import current_app
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

LIVE_PATH = "/healthz/live"
READY_PATH = "/healthz/ready"

# Once every migration is applied it stays applied for the life of this process (migrations run
# before new code starts), so the comparatively expensive graph load happens until the first success.
_migrations_applied = False


def reset_migration_check() -> None:
    """Forget the cached positive migrations result (tests)."""
    global _migrations_applied
    _migrations_applied = False


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if row != (1,):
        raise RuntimeError("unexpected answer to SELECT 1")


def check_cache() -> None:
    key = f"healthz:{secrets.token_hex(8)}"
    token = secrets.token_hex(8)
    cache.set(key, token, timeout=10)
    try:
        if cache.get(key) != token:
            raise RuntimeError("cache did not return the value just stored")
    finally:
        cache.delete(key)


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} unapplied migration(s)")
    _migrations_applied = True


#: Seconds the broker check waits for a connection: a probe must answer well within its own timeout.
BROKER_CONNECT_TIMEOUT = 2


def check_broker() -> str:
    """``"ok"`` when the broker accepts a connection, ``"inline"`` when tasks run eagerly (no broker
    configured); raises when the broker cannot be reached."""
    if current_app.conf.task_always_eager:
        return "inline"
    # A fresh connection (not the producer pool): the probe must see the broker as it is now.
    with current_app.connection_for_write(connect_timeout=BROKER_CONNECT_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_CONNECT_TIMEOUT)
    return "ok"


#: Checks that make the process unready when they fail.
READY_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "migrations": check_migrations,
}


@never_cache
@login_not_required
def live(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@login_not_required
def ready(request: HttpRequest) -> HttpResponse:
    checks: dict[str, str] = {}
    failing: list[str] = []
    for name, check in READY_CHECKS.items():
        if name == "migrations" and "database" in failing:
            checks[name] = "skipped"
            failing.append(name)
            continue
        try:
            check()
        except Exception as exc:
            # The probe answers for the platform; the reason goes to the log, only the class name
            # to the (unauthenticated) response.
            logger.warning("readiness check %s failed: %s", name, exc, exc_info=True)
            checks[name] = f"error: {type(exc).__name__}"
            failing.append(name)
        else:
            checks[name] = "ok"
    try:
        checks["broker"] = check_broker()
    except Exception as exc:
        # Reported, never failing: the outbox holds every side effect until the broker is back.
        logger.warning("readiness: the Celery broker is unreachable: %s", exc, exc_info=True)
        checks["broker"] = "down"
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})


class HealthCheckMiddleware:
    """Answer the probes before anything that depends on the Host header, HTTPS or a session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            path = request.path_info.rstrip("/")
            if path == LIVE_PATH:
                return live(request)
            if path == READY_PATH:
                return ready(request)
        return self.get_response(request)
