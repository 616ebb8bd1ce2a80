"""Keyset pagination: every list in the platform pages by the last row's sort key, never OFFSET.

The cursor is an opaque, URL-safe token holding the sort values of the last row shown. Deep pages
cost the same as the first one because the database seeks straight into the index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db.models import BooleanField, Expression, F, Func, Model, Q, QuerySet, Value

M = TypeVar("M", bound=Model)


class InvalidCursor(ValueError):
    """The cursor was not produced by this paginator (tampered, truncated or stale)."""


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None
    ordering: Sequence[str] = field(default_factory=tuple)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "dec" in value:
            return Decimal(value["dec"])
        raise InvalidCursor("unknown value in cursor")
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is not valid") from exc
    if not isinstance(values, list) or len(values) != length:
        raise InvalidCursor("cursor does not match this list")
    return [_decode_value(v) for v in values]


def _parse(ordering: Sequence[str]) -> list[tuple[str, bool]]:
    return [(key[1:], True) if key.startswith("-") else (key, False) for key in ordering]


def _after(keys: list[tuple[str, bool]], values: list[Any]) -> Q | Expression:
    """The condition 'comes after the cursor row' for the given sort keys."""
    if any(v is None for v in values):
        raise InvalidCursor("cursor holds an empty sort value")
    directions = {desc for _, desc in keys}
    if len(directions) == 1:
        # One direction: a row comparison, which PostgreSQL answers with a single index seek.
        desc = directions.pop()
        lhs = Func(*[F(name) for name, _ in keys], function="ROW")
        rhs = Func(*[Value(v) for v in values], function="ROW")
        op = "<" if desc else ">"
        return Q(_KeysetComparison(lhs, op, rhs))
    # Mixed directions: the lexicographic expansion (a > x) or (a = x and b > y) ...
    condition = Q()
    for i, (name, desc) in enumerate(keys):
        term = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        for j in range(i):
            term &= Q(**{keys[j][0]: values[j]})
        condition |= term
    return condition


class _KeysetComparison(Func):
    """``ROW(a, b) < ROW(x, y)`` as a boolean expression usable in ``filter()``."""

    output_field: Any

    def __init__(self, lhs: Expression, op: str, rhs: Expression) -> None:
        super().__init__(lhs, rhs, output_field=BooleanField())
        self.op = op

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def, override]
        lhs_sql, lhs_params = compiler.compile(self.source_expressions[0])
        rhs_sql, rhs_params = compiler.compile(self.source_expressions[1])
        return f"({lhs_sql} {self.op} {rhs_sql})", (*lhs_params, *rhs_params)


def keyset_page(
    queryset: QuerySet[M],
    *,
    ordering: Sequence[str],
    cursor: str | None = None,
    page_size: int = 20,
) -> Page[M]:
    """Return one page of ``queryset`` ordered by ``ordering`` starting after ``cursor``.

    ``ordering`` must end with a unique key (normally ``-id`` or ``id``) so every row has exactly
    one place. Names may be model fields or annotations. Raises :class:`InvalidCursor` for a cursor
    that does not fit; views answer that with the first page or a 400.
    """
    keys = _parse(ordering)
    qs = queryset.order_by(*ordering)
    if cursor:
        values = decode_cursor(cursor, len(keys))
        qs = qs.filter(_after(keys, values))
    rows = list(qs[: page_size + 1])
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = encode_cursor([_resolve(last, name) for name, _ in keys])
    return Page(items=rows, next_cursor=next_cursor, ordering=tuple(ordering))


def _resolve(obj: Any, name: str) -> Any:
    for part in name.split("__"):
        obj = getattr(obj, part)
    if isinstance(obj, Model):
        return obj.pk
    return obj
