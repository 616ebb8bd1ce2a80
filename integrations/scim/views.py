"""The SCIM 2.0 HTTP interface (RFC 7644): discovery documents, Users and Groups.

Every request authenticates with an identity provider's bearer token; every failure answers a
SCIM error body (``urn:ietf:params:scim:api:messages:2.0:Error``) with its status, never a page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    PayloadTooLargeException,
    PreconditionFailedException,
    ResponseParameters,
    SCIMException,
    SearchRequest,
    UnauthorizedException,
)

from intranet.core.ratelimit import Limit, hit

from . import selectors, services
from .models import ScimGroup, ScimToken, ScimUser
from .permissions import can_provision
from .resources import CONFIG, DEFAULT_COUNT, MAX_PAYLOAD, MAX_RESULTS, PROVIDER, FullUser, Group
from .tokens import scim_token_authenticate

CONTENT_TYPE = "application/scim+json"
_NUL = re.compile(rb"\\u0000|\x00", re.IGNORECASE)
#: Requests per minute and token; an initial sync of a large directory stays well below it.
TOKEN_LIMIT = Limit(scope="scim", count=3000, window=60)

View = Callable[..., HttpResponse]


class MethodNotAllowedException(SCIMException):
    status = 405
    _default_detail = "This method is not allowed on this endpoint."


class TooManyRequestsException(SCIMException):
    status = 429
    _default_detail = "Too many requests; slow down."


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(exc: SCIMException) -> HttpResponse:
    response = _json(exc.to_error().model_dump(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _validation_error(exc: ValidationError) -> HttpResponse:
    errors = Error.from_validation_errors(exc)
    first = errors[0] if errors else Error(status=400, scim_type="invalidSyntax", detail="Invalid payload.")
    return _json(first.model_dump(), status=int(first.status or 400))


def scim_view(view: View) -> View:
    """Authenticate the token, count the request against its limit, map errors to SCIM bodies."""

    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        scheme, _sep, raw = header.partition(" ")
        token = scim_token_authenticate(raw.strip()) if scheme.lower() == "bearer" else None
        if token is None or not can_provision(token):
            return _error(UnauthorizedException(detail="A valid identity-provider bearer token is required."))
        if hit(str(token.pk), TOKEN_LIMIT) is not None:
            return _error(TooManyRequestsException())
        try:
            return view(request, token, *args, **kwargs)
        except SCIMException as exc:
            return _error(exc)
        except ValidationError as exc:
            return _validation_error(exc)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2")


def _body(request: HttpRequest) -> Any:
    if len(request.body) > MAX_PAYLOAD:
        raise PayloadTooLargeException()
    if _NUL.search(request.body):
        # PostgreSQL cannot store NUL in text; refuse it here rather than fail in the database.
        raise InvalidValueException(detail="Values may not contain the NUL character.")
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidSyntaxException(detail="The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail="The request body must be a JSON object.")
    return data


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidValueException(detail=f"{name} must be an integer.") from None


def _paging(start_index: int | None, count: int | None) -> tuple[int, int]:
    start = max(1, start_index or 1)
    size = DEFAULT_COUNT if count is None else min(max(0, count), MAX_RESULTS)
    return start, size


# Resources --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What differs between Users and Groups for the generic handlers below."""

    name: str
    model: Any
    get: Callable[[str], Any]
    listing: Callable[..., tuple[int, list[Any]]]
    create: Callable[..., Any]
    replace: Callable[..., Any]
    delete: Callable[..., None]

    def resources(self, objects: list[Any], base_url: str, with_members: bool = True) -> list[Any]:
        if self.name == "User":
            return [selectors.user_resource(obj, base_url) for obj in objects]
        members = selectors.members_of(objects) if with_members and objects else {}
        return [selectors.group_resource(obj, members.get(obj.pk, []), base_url) for obj in objects]


def _replace_user(*, token: ScimToken, obj: ScimUser, resource: Any) -> ScimUser:
    return services.scim_user_replace(token=token, scim_user=obj, resource=resource)


def _replace_group(*, token: ScimToken, obj: ScimGroup, resource: Any) -> ScimGroup:
    return services.scim_group_replace(token=token, group=obj, resource=resource)


def _delete_user(*, token: ScimToken, obj: ScimUser) -> None:
    services.scim_user_delete(token=token, scim_user=obj)


def _delete_group(*, token: ScimToken, obj: ScimGroup) -> None:
    services.scim_group_delete(token=token, group=obj)


USERS = Kind(
    "User",
    FullUser,
    selectors.scim_user_get,
    selectors.scim_user_list,
    services.scim_user_create,
    _replace_user,
    _delete_user,
)
GROUPS = Kind(
    "Group",
    Group,
    selectors.scim_group_get,
    selectors.scim_group_list,
    services.scim_group_create,
    _replace_group,
    _delete_group,
)


def _params(kind: Kind, attributes: Any, excluded: Any) -> Any:
    return ResponseParameters[kind.model].model_validate(  # type: ignore[name-defined]
        {"attributes": attributes, "excludedAttributes": excluded}
    )


def _wants_members(params: Any) -> bool:
    excluded = [str(p).lower() for p in params.excluded_attributes or []]
    return not any(p == "members" or p.endswith(":members") for p in excluded)


def _list(
    request: HttpRequest,
    kind: Kind,
    *,
    filter_expr: str | None,
    start_index: int | None,
    count: int | None,
    params: Any,
    context: Context,
) -> HttpResponse:
    start, size = _paging(start_index, count)
    total, objects = kind.listing(filter_expr=filter_expr, start_index=start, count=size)
    resources = kind.resources(objects, _base_url(request), with_members=_wants_members(params))
    page = ListResponse[kind.model](  # type: ignore[name-defined]
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources
    )
    return _json(page.model_dump(scim_ctx=context, response_parameters=params))


def _one(request: HttpRequest, kind: Kind, obj: Any, *, status: int = 200, context: Context) -> HttpResponse:
    params = _params(kind, request.GET.get("attributes"), request.GET.get("excludedAttributes"))
    resource = kind.resources([obj], _base_url(request))[0]
    headers = {"ETag": selectors.etag(obj)}
    if status == 201:
        headers["Location"] = resource.meta.location
    return _json(resource.model_dump(scim_ctx=context, response_parameters=params), status=status, headers=headers)


def _collection(request: HttpRequest, token: ScimToken, kind: Kind) -> HttpResponse:
    if request.method == "GET":
        params = _params(kind, request.GET.get("attributes"), request.GET.get("excludedAttributes"))
        return _list(
            request,
            kind,
            filter_expr=request.GET.get("filter") or None,
            start_index=_int_param(request, "startIndex", 1),
            count=_int_param(request, "count", DEFAULT_COUNT),
            params=params,
            context=Context.RESOURCE_QUERY_RESPONSE,
        )
    if request.method == "POST":
        resource = kind.model.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
        obj = kind.create(token=token, resource=resource)
        obj = kind.get(str(obj.pk))
        return _one(request, kind, obj, status=201, context=Context.RESOURCE_CREATION_RESPONSE)
    raise MethodNotAllowedException()


def _search(request: HttpRequest, token: ScimToken, kind: Kind) -> HttpResponse:
    if request.method != "POST":
        raise MethodNotAllowedException()
    search = SearchRequest[kind.model].model_validate(  # type: ignore[name-defined]
        _body(request), scim_ctx=Context.SEARCH_REQUEST
    )
    params = _params(
        kind,
        [str(p) for p in search.attributes] if search.attributes else None,
        [str(p) for p in search.excluded_attributes] if search.excluded_attributes else None,
    )
    return _list(
        request,
        kind,
        filter_expr=str(search.filter) if search.filter else None,
        start_index=search.start_index,
        count=search.count,
        params=params,
        context=Context.SEARCH_RESPONSE,
    )


def _check_version(request: HttpRequest, obj: Any) -> None:
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and selectors.etag(obj) not in [v.strip() for v in wanted.split(",")]:
        raise PreconditionFailedException(detail="The resource has changed since it was read.")


def _detail(request: HttpRequest, token: ScimToken, kind: Kind, pk: str) -> HttpResponse:
    obj = kind.get(pk)
    if obj is None:
        raise NotFoundException(detail=f"{kind.name} {pk} not found.")
    if request.method == "GET":
        if request.headers.get("If-None-Match") == selectors.etag(obj):
            return HttpResponse(status=304, headers={"ETag": selectors.etag(obj)})
        return _one(request, kind, obj, context=Context.RESOURCE_QUERY_RESPONSE)
    if request.method == "PUT":
        _check_version(request, obj)
        resource = kind.model.model_validate(_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        kind.replace(token=token, obj=obj, resource=resource)
        return _one(request, kind, kind.get(pk), context=Context.RESOURCE_REPLACEMENT_RESPONSE)
    if request.method == "PATCH":
        _check_version(request, obj)
        patch = PatchOp[kind.model].model_validate(  # type: ignore[name-defined]
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        current = kind.resources([obj], _base_url(request))[0]
        services.apply_patch(current, patch)
        kind.replace(token=token, obj=obj, resource=current)
        return _one(request, kind, kind.get(pk), context=Context.RESOURCE_PATCH_RESPONSE)
    if request.method == "DELETE":
        _check_version(request, obj)
        kind.delete(token=token, obj=obj)
        return HttpResponse(status=204)
    raise MethodNotAllowedException()


@scim_view
def users(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _collection(request, token, USERS)


@scim_view
def users_search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _search(request, token, USERS)


@scim_view
def user_detail(request: HttpRequest, token: ScimToken, pk: str) -> HttpResponse:
    return _detail(request, token, USERS, pk)


@scim_view
def groups(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _collection(request, token, GROUPS)


@scim_view
def groups_search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _search(request, token, GROUPS)


@scim_view
def group_detail(request: HttpRequest, token: ScimToken, pk: str) -> HttpResponse:
    return _detail(request, token, GROUPS, pk)


# Discovery --------------------------------------------------------------------------------------


def _discovery_list(items: list[Any], request: HttpRequest) -> HttpResponse:
    dumped = [item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for item in items]
    return _json(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(dumped),
            "startIndex": 1,
            "itemsPerPage": len(dumped),
            "Resources": dumped,
        }
    )


def _with_location(item: Any, request: HttpRequest, endpoint: str) -> Any:
    copy = item.model_copy(deep=True)
    kind = "Schema" if endpoint == "Schemas" else "ResourceType"
    copy.meta = {"resourceType": kind, "location": f"{_base_url(request)}/{endpoint}/{item.id}"}
    return type(copy).model_validate(copy.model_dump(scim_ctx=None, by_alias=True))


@scim_view
def service_provider_config(request: HttpRequest, token: ScimToken) -> HttpResponse:
    if request.method != "GET":
        raise MethodNotAllowedException()
    data = CONFIG.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    data["meta"] = {"resourceType": "ServiceProviderConfig", "location": f"{_base_url(request)}/ServiceProviderConfig"}
    return _json(data)


def _discovery(request: HttpRequest, items: list[Any], endpoint: str, pk: str | None) -> HttpResponse:
    if request.method != "GET":
        raise MethodNotAllowedException()
    located = [_with_location(item, request, endpoint) for item in items]
    if pk is None:
        return _discovery_list(located, request)
    for item in located:
        if item.id == pk:
            return _json(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"{pk} not found.")


@scim_view
def schemas(request: HttpRequest, token: ScimToken, pk: str | None = None) -> HttpResponse:
    return _discovery(request, list(PROVIDER.schemas), "Schemas", pk)


@scim_view
def resource_types(request: HttpRequest, token: ScimToken, pk: str | None = None) -> HttpResponse:
    return _discovery(request, list(PROVIDER.resource_types), "ResourceTypes", pk)


@scim_view
def root_search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """Search Users and Groups at once (RFC 7644 §3.4.3): Users first, then Groups, one index.

    A filter naming an attribute only one type has selects nothing of the other type; a filter
    neither type understands is refused.
    """
    if request.method != "POST":
        raise MethodNotAllowedException()
    body = _body(request)
    search = SearchRequest[FullUser | Group].model_validate(  # type: ignore[name-defined]
        body, scim_ctx=Context.SEARCH_REQUEST
    )
    filter_expr = str(search.filter) if search.filter else None
    start, size = _paging(search.start_index, search.count)
    found: list[tuple[Kind, int, Any]] = []
    refusals: list[SCIMException] = []
    for kind in (USERS, GROUPS):
        try:
            total, _objects = kind.listing(filter_expr=filter_expr, start_index=1, count=0)
        except InvalidFilterException as exc:
            refusals.append(exc)
            continue
        found.append((kind, total, None))
    if len(refusals) == 2:
        raise refusals[0]
    base_url = _base_url(request)
    resources: list[Any] = []
    offset = start - 1
    for kind, total, _unused in found:
        if offset >= total:
            offset -= total
            continue
        wanted = size - len(resources)
        if wanted <= 0:
            break
        _total, objects = kind.listing(filter_expr=filter_expr, start_index=offset + 1, count=wanted)
        resources.extend(kind.resources(objects, base_url))
        offset = 0
    grand_total = sum(total for _kind, total, _unused in found)
    attributes = [str(p) for p in search.attributes] if search.attributes else None
    excluded = [str(p) for p in search.excluded_attributes] if search.excluded_attributes else None
    page = ListResponse[FullUser | Group](  # type: ignore[name-defined]
        total_results=grand_total, start_index=start, items_per_page=len(resources), resources=resources
    )
    params = ResponseParameters[FullUser | Group].model_validate(  # type: ignore[name-defined]
        {"attributes": attributes, "excludedAttributes": excluded}
    )
    return _json(page.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=params))


@scim_view
def not_found(request: HttpRequest, token: ScimToken, rest: str = "") -> HttpResponse:
    raise NotFoundException(detail="No SCIM endpoint at this address.")
