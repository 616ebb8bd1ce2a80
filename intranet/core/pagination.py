"""Keyset pagination: every list in the platform pages by the last row's sort key, never OFFSET.

The cursor is an opaque, URL-safe token holding the sort values of the last row shown. Deep pages
cost the same as the first one because the database seeks straight into the index.

Cursors are signed (``django.core.signing``, salted with the list's model and ordering), so a cursor
only ever comes back as this paginator made it for this list; and every decoded value is checked
against the type of its ordering field before it reaches SQL. Anything else is an
:class:`InvalidCursor`. Views let it propagate: :class:`intranet.core.middleware.MalformedInputMiddleware`
answers every one with the same friendly, translated 400 page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from django.core import signing
from django.core.exceptions import FieldError
from django.db.models import BooleanField, Expression, F, Field, ForeignObject, Func, Model, Q, QuerySet, Value

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


# A cursor is a handful of sort values; anything much longer was not made here.
CURSOR_MAX_LENGTH = 1000
_BIGINT = 2**63
_DECIMAL_EXPONENT = 1000


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    try:
        if isinstance(value, dict) and len(value) == 1:
            if isinstance(value.get("dt"), str):
                return dt.datetime.fromisoformat(value["dt"])
            if isinstance(value.get("d"), str):
                return dt.date.fromisoformat(value["d"])
            if isinstance(value.get("dec"), str):
                return Decimal(value["dec"])
    except (ValueError, InvalidOperation) as exc:
        raise InvalidCursor("unreadable value in cursor") from exc
    if isinstance(value, (dict, list)):
        raise InvalidCursor("unknown value in cursor")
    return value


def _finite_scalar(value: Any) -> bool:
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return _sane_decimal(value)
    return isinstance(value, int)


def _clean_text(value: str) -> bool:
    """Text PostgreSQL can hold: no NUL, no lone surrogates."""
    if "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _sane_decimal(value: Decimal) -> bool:
    return value.is_finite() and -_DECIMAL_EXPONENT < value.adjusted() < _DECIMAL_EXPONENT


def _checked(value: Any, kind: Field[Any, Any] | None) -> Any:
    """``value`` if it has the Python type of ``kind``'s column, else ``InvalidCursor``.

    ``None`` (an unknown field) accepts any finite scalar. Empty values never fit.
    """
    internal = kind.get_internal_type() if kind is not None else ""
    fits: bool
    if value is None or isinstance(value, (dict, list)):
        fits = False
    elif internal == "DateTimeField":
        fits = isinstance(value, dt.datetime) and value.tzinfo is not None
    elif internal == "DateField":
        fits = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    elif internal == "DecimalField":
        fits = isinstance(value, Decimal) and _sane_decimal(value)
    elif internal == "BooleanField":
        fits = isinstance(value, bool)
    elif internal in _INTEGER_TYPES:
        fits = isinstance(value, int) and not isinstance(value, bool) and -_BIGINT <= value < _BIGINT
    elif internal == "FloatField":
        fits = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif internal in _TEXT_TYPES:
        fits = isinstance(value, str) and _clean_text(value)
    else:
        fits = _finite_scalar(value)
    if not fits:
        raise InvalidCursor("cursor value does not fit its field")
    return value


_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


def encode_cursor(values: Sequence[Any], *, salt: str) -> str:
    """The signed cursor holding ``values`` for the list named by ``salt``."""
    return signing.dumps([_encode_value(v) for v in values], salt=f"intranet.pagination:{salt}")


def decode_cursor(cursor: str, fields: Sequence[Field[Any, Any] | None], *, salt: str) -> list[Any]:
    """The values of a cursor made by :func:`encode_cursor` with the same ``salt``, each checked
    against the type of its field in ``fields``; ``InvalidCursor`` for anything else."""
    if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX_LENGTH:
        raise InvalidCursor("cursor is not valid")
    try:
        values = signing.loads(cursor, salt=f"intranet.pagination:{salt}")
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise InvalidCursor("cursor is not valid") from exc
    if not isinstance(values, list) or len(values) != len(fields):
        raise InvalidCursor("cursor does not match this list")
    return [_checked(_decode_value(v), kind) for v, kind in zip(values, fields, strict=True)]


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


def _salt(queryset: QuerySet[Any], ordering: Sequence[str]) -> str:
    return f"{queryset.model._meta.label_lower}:{','.join(ordering)}"


def _ordering_fields(queryset: QuerySet[Any], keys: list[tuple[str, bool]]) -> list[Field[Any, Any] | None]:
    """The model field or annotation output field behind each sort key (``None`` if unknown)."""
    query = queryset.query.clone()
    fields: list[Field[Any, Any] | None] = []
    for name, _desc in keys:
        try:
            target = query.resolve_ref(name).output_field
        except (FieldError, AttributeError):
            target = None
        if isinstance(target, ForeignObject):
            target = target.target_field
        fields.append(target)
    return fields


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
    this list did not make (forged, truncated or of another list); views let it propagate to the
    kernel middleware's 400.
    """
    keys = _parse(ordering)
    salt = _salt(queryset, ordering)
    qs = queryset.order_by(*ordering)
    if cursor:
        values = decode_cursor(cursor, _ordering_fields(queryset, keys), salt=salt)
        qs = qs.filter(_after(keys, values))
    rows = list(qs[: page_size + 1])
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = encode_cursor([_resolve(last, name) for name, _ in keys], salt=salt)
    return Page(items=rows, next_cursor=next_cursor, ordering=tuple(ordering))


def _resolve(obj: Any, name: str) -> Any:
    for part in name.split("__"):
        obj = getattr(obj, part)
    if isinstance(obj, Model):
        return obj.pk
    return obj
