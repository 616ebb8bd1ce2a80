"""SCIM filter expressions (RFC 7644 §3.4.2.2) turned into Django ``Q`` objects.

``scim2-models`` parses the expression into a tree; this module maps the attributes an identity
provider filters on to columns, so a filter runs as one SQL query instead of in Python over every
row. An attribute or operator not listed answers ``invalidFilter`` (400).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import AttrPath, Comparison, FilterNode, LogicalExpr, Not, Present, ValuePath

MAX_FILTER_LENGTH = 1000


@dataclass(frozen=True)
class Column:
    """Where a SCIM attribute lives: the lookup, and whether SCIM compares it case-exactly."""

    lookup: str
    case_exact: bool = False
    kind: str = "str"  # "str", "bool" or "uuid"


USER_COLUMNS: Mapping[str, Column] = {
    "id": Column("pk", case_exact=True, kind="uuid"),
    "username": Column("user_name"),
    "externalid": Column("external_id", case_exact=True),
    "displayname": Column("attributes__displayName"),
    "title": Column("attributes__title"),
    "emails": Column("user__email"),
    "emails.value": Column("user__email"),
    "active": Column("user__is_active", kind="bool"),
    "name.givenname": Column("attributes__name__givenName"),
    "name.familyname": Column("attributes__name__familyName"),
    "name.formatted": Column("attributes__name__formatted"),
}

GROUP_COLUMNS: Mapping[str, Column] = {
    "id": Column("pk", case_exact=True, kind="uuid"),
    "displayname": Column("display_name"),
    "externalid": Column("external_id", case_exact=True),
    "members": Column("members__pk", case_exact=True, kind="uuid"),
    "members.value": Column("members__pk", case_exact=True, kind="uuid"),
}

_CORE_URNS = {
    "urn:ietf:params:scim:schemas:core:2.0:user",
    "urn:ietf:params:scim:schemas:core:2.0:group",
}

_STRING_OPS = {"eq": "exact", "co": "contains", "sw": "startswith", "ew": "endswith"}


def parse_filter(expression: str, columns: Mapping[str, Column]) -> Q:
    """The ``Q`` a filter expression selects; raises ``InvalidFilterException`` when it cannot."""
    if len(expression) > MAX_FILTER_LENGTH:
        raise InvalidFilterException(detail="The filter is too long.")
    try:
        tree = ScimFilter(expression).ast
    except InvalidFilterException:
        raise
    except ValueError as exc:
        raise InvalidFilterException(detail=str(exc)) from exc
    return _node(tree, columns, prefix="")


def _name(path: AttrPath, prefix: str) -> str:
    if path.uri and path.uri.lower() not in _CORE_URNS:
        raise InvalidFilterException(detail=f"Filtering on {path} is not supported.")
    name = f"{prefix}{path.attr}" if prefix else path.attr
    if path.sub_attr:
        name = f"{name}.{path.sub_attr}"
    return name.lower()


def _column(path: AttrPath, columns: Mapping[str, Column], prefix: str) -> Column:
    column = columns.get(_name(path, prefix))
    if column is None:
        raise InvalidFilterException(detail=f"Filtering on {path} is not supported.")
    return column


def _node(node: FilterNode, columns: Mapping[str, Column], prefix: str) -> Q:
    if isinstance(node, LogicalExpr):
        result = _node(node.terms[0], columns, prefix)
        for term in node.terms[1:]:
            other = _node(term, columns, prefix)
            result = result & other if node.op == "and" else result | other
        return result
    if isinstance(node, Not):
        return ~_node(node.expr, columns, prefix)
    if isinstance(node, Present):
        column = _column(node.attr_path, columns, prefix)
        if column.kind == "str":
            return Q(**{f"{column.lookup}__isnull": False}) & ~Q(**{column.lookup: ""})
        return Q(**{f"{column.lookup}__isnull": False})
    if isinstance(node, ValuePath):
        # emails[value eq "x"]: the inner attributes are named relative to the outer one.
        return _node(node.val_filter, columns, prefix=f"{node.attr_path.attr}.")
    if isinstance(node, Comparison):
        return _comparison(node, _column(node.attr_path, columns, prefix))
    raise InvalidFilterException(detail="This filter is not supported.")


def _comparison(node: Comparison, column: Column) -> Q:
    op = str(node.op)
    value = node.value
    if column.kind == "bool":
        if op not in ("eq", "ne") or not isinstance(value, bool):
            raise InvalidFilterException(detail=f"{node.attr_path} compares with eq or ne and true or false.")
        q = Q(**{column.lookup: value})
        return ~q if op == "ne" else q
    if not isinstance(value, str):
        raise InvalidFilterException(detail=f"{node.attr_path} compares with a string.")
    if column.kind == "uuid":
        if op not in ("eq", "ne"):
            raise InvalidFilterException(detail=f"{node.attr_path} compares with eq or ne.")
        try:
            q = Q(**{column.lookup: uuid.UUID(value)})
        except ValueError:
            q = Q(pk__in=[])  # not one of our ids: matches nothing
        return ~q if op == "ne" else q
    if op == "ne":
        return ~Q(**{f"{column.lookup}__{'exact' if column.case_exact else 'iexact'}": value})
    lookup = _STRING_OPS.get(op)
    if lookup is None:
        raise InvalidFilterException(detail=f"The operator {op} is not supported on {node.attr_path}.")
    if not column.case_exact:
        lookup = f"i{lookup}"
    return Q(**{f"{column.lookup}__{lookup}": value})
