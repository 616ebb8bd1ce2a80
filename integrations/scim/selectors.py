"""Reads of provisioning: SCIM resources built from the rows, and filtered, paged lists.

Lists are paged by ``startIndex``/``count`` because RFC 7644 §3.4.2.4 prescribes index paging;
the page is capped at ``MAX_RESULTS`` and ordered by (created, id), which an index serves. Each
read costs a fixed number of queries whatever the number of rows or members.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from .filters import GROUP_COLUMNS, USER_COLUMNS, parse_filter
from .models import ScimGroup, ScimUser
from .resources import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, FullUser, Group


def _meta(kind: str, obj: ScimUser | ScimGroup, base_url: str) -> dict[str, Any]:
    return {
        "resourceType": kind,
        "created": obj.created_at.isoformat(),
        "lastModified": obj.updated_at.isoformat(),
        "location": f"{base_url}/{kind}s/{obj.pk}",
        "version": etag(obj),
    }


def etag(obj: ScimUser | ScimGroup) -> str:
    return f'W/"{obj.version}"'


def user_resource(scim_user: ScimUser, base_url: str) -> Any:
    """The SCIM User of a provisioned person (needs ``user`` loaded)."""
    attributes = dict(scim_user.attributes)
    schemas = [USER_SCHEMA] + ([ENTERPRISE_SCHEMA] if ENTERPRISE_SCHEMA in attributes else [])
    payload: dict[str, Any] = {
        "schemas": schemas,
        "id": str(scim_user.pk),
        "userName": scim_user.user_name,
        "meta": _meta("User", scim_user, base_url),
        **attributes,
    }
    if attributes.get("active"):
        payload["active"] = scim_user.user.is_active
    if scim_user.external_id:
        payload["externalId"] = scim_user.external_id
    return FullUser.model_validate(payload)


def group_resource(group: ScimGroup, member_ids: list[uuid.UUID], base_url: str) -> Group:
    payload: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.pk),
        "displayName": group.display_name,
        "meta": _meta("Group", group, base_url),
    }
    if group.external_id:
        payload["externalId"] = group.external_id
    if member_ids:
        payload["members"] = [{"value": str(i), "$ref": f"{base_url}/Users/{i}"} for i in member_ids]
    return Group.model_validate(payload)


def scim_user_get(pk: str) -> ScimUser | None:
    try:
        key = uuid.UUID(pk)
    except ValueError:
        return None
    return ScimUser.objects.select_related("user").filter(pk=key).first()


def scim_group_get(pk: str) -> ScimGroup | None:
    try:
        key = uuid.UUID(pk)
    except ValueError:
        return None
    return ScimGroup.objects.filter(pk=key).first()


def members_of(groups: list[ScimGroup]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Member ids per group, in one query for the whole page."""
    through = ScimGroup.members.through
    result: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    rows = through.objects.filter(scimgroup_id__in=[g.pk for g in groups]).order_by("id")
    for group_id, user_id in rows.values_list("scimgroup_id", "scimuser_id"):
        result[group_id].append(user_id)
    return result


def _page(qs: QuerySet[Any], start_index: int, count: int) -> tuple[int, list[Any]]:
    total = qs.count()
    if count == 0 or start_index > total:
        return total, []
    return total, list(qs.order_by("created_at", "id")[start_index - 1 : start_index - 1 + count])


def scim_user_list(*, filter_expr: str | None, start_index: int, count: int) -> tuple[int, list[ScimUser]]:
    """The total matching ``filter_expr`` and one page of provisioned people (2 queries)."""
    condition = parse_filter(filter_expr, USER_COLUMNS) if filter_expr else Q()
    return _page(ScimUser.objects.filter(condition).select_related("user"), start_index, count)


def scim_group_list(*, filter_expr: str | None, start_index: int, count: int) -> tuple[int, list[ScimGroup]]:
    """The total matching ``filter_expr`` and one page of groups (2 queries; members apart)."""
    condition = parse_filter(filter_expr, GROUP_COLUMNS) if filter_expr else Q()
    qs = ScimGroup.objects.filter(pk__in=ScimGroup.objects.filter(condition).values("pk"))
    return _page(qs, start_index, count)
