"""A translated 503 with ``Retry-After`` when PostgreSQL cannot answer, instead of a bare 500.

Two doors lead here, because a database error can surface in two places:

- ``DatabaseUnavailableMiddleware.process_exception`` for errors raised by a view or while its
  template response renders (most queries);
- ``server_error``, the project's ``handler500``, for errors raised by a middleware (loading the
  session or the signed-in person): Django turns those into the 500 handler's response, and the
  handler still sees the exception being handled.

The page (``templates/503.html``) is rendered without a request, so no context processor, session
or database is touched; it is translated into the language ``LocaleMiddleware`` chose.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .errors import server_error_page

logger = logging.getLogger(__name__)

#: Seconds a client (or the proxy) should wait before trying again.
RETRY_AFTER_SECONDS = 30

# Django wraps psycopg's errors (``PoolTimeout`` is a ``psycopg.OperationalError``); the raw psycopg
# class covers code that talks to psycopg directly. An ``InterfaceError`` is a connection that
# died under the request.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, psycopg.OperationalError)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, UNAVAILABLE_ERRORS)


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    # A warning, not an error: the outage is the operator's alert (readiness probe), and every
    # request during it would otherwise log a traceback.
    logger.warning("database unavailable for %s: %r", request.path, exception)
    body = render_to_string("503.html", {"site_name": settings.WAGTAIL_SITE_NAME})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer the 503 page for a database error raised by a view or its template."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            return database_unavailable(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 page when the unhandled error is the database's, else the static 500
    page (``intranet.core.errors.server_error_page``: no request context, no database)."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return database_unavailable(request, exception)
    return server_error_page()
