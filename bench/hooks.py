"""Benchmark-only hooks, active only with ``BENCHMARK=true`` (``make bench`` sets it; see
``deploy/README.md``): a constant view behind the full middleware stack (the "limit" every page is
compared with) and a header with the number of SQL queries a request ran."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpRequest, HttpResponse

QUERIES_HEADER = "X-Bench-Queries"


@login_required
def limit(request: HttpRequest) -> HttpResponse:
    """A constant, through the same server, session, authentication and middleware as every page."""
    return HttpResponse(b"ok", content_type="text/plain")


class QueryCountMiddleware:
    """Counts the SQL statements of a request (on every database connection the request's thread
    uses) and returns the count in :data:`QUERIES_HEADER`. First in the stack, so the session and
    user lookups of the other middleware count too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrapped = list(connections.all(initialized_only=False))
        for connection in wrapped:
            connection.execute_wrappers.append(counter)
        try:
            response = self.get_response(request)
        finally:
            for connection in wrapped:
                if counter in connection.execute_wrappers:
                    connection.execute_wrappers.remove(counter)
        response[QUERIES_HEADER] = str(count)
        return response
