"""Test helpers: pinned query counts that print the SQL on failure, and size-invariance checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _format(queries: list[dict[str, Any]]) -> str:
    return "\n".join(f"{i + 1:>3}. {q['sql']}" for i, q in enumerate(queries))


@contextmanager
def pin_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """Assert the block runs exactly ``expected`` SQL queries; on failure, list them all."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    executed = len(ctx.captured_queries)
    if executed != expected:
        raise AssertionError(f"Expected {expected} queries, {executed} were executed:\n{_format(ctx.captured_queries)}")


def count_queries(action: Callable[[], Any]) -> tuple[int, list[dict[str, Any]], Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = action()
    return len(ctx.captured_queries), list(ctx.captured_queries), result


def assert_constant_queries(
    *,
    add_rows: Callable[[int], Any],
    action: Callable[[], Any],
    small: int = 1,
    large: int = 6,
    expected: int | None = None,
) -> int:
    """Prove ``action`` costs the same number of queries with ``small`` and with ``large`` rows.

    ``add_rows(n)`` adds n more rows to whatever ``action`` lists. Returns the count, and checks it
    against ``expected`` when given, so one call both pins and proves invariance.
    """
    add_rows(small)
    action()  # warm per-process caches (content types, site root) so they do not skew the count
    n_small, q_small, _ = count_queries(action)
    add_rows(large - small)
    n_large, q_large, _ = count_queries(action)
    if n_small != n_large:
        raise AssertionError(
            f"Query count grows with rows: {n_small} for {small} rows, {n_large} for {large} rows.\n"
            f"--- {small} rows ---\n{_format(q_small)}\n--- {large} rows ---\n{_format(q_large)}"
        )
    if expected is not None and n_large != expected:
        raise AssertionError(f"Expected {expected} queries, {n_large} were executed:\n{_format(q_large)}")
    return n_large
