"""The API at ``/api/v1/``: routers, error mapping to problem details, ETags, the docs page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase

from intranet.core.pagination import InvalidCursor

from .conditional import conditional_get
from .endpoints import communities, figures, meetups, notifications, people, posts, training
from .problems import MEDIA_TYPE, ApiProblem, field_errors, problem_response

_STATUS_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
}


class SwaggerFromOwnStatic(DocsBase):
    """Swagger UI from the platform's static files (``npm run build`` copies swagger-ui-dist), started
    by a static script, so the page passes the site's Content Security Policy unchanged."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        return render(request, "api/docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)})


class IntranetAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if getattr(request, "idempotent_replay", False):
            response["Idempotent-Replayed"] = "true"
        return conditional_get(request, response)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Errors are ``application/problem+json``, as the handlers below answer them."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        response["content"] = {MEDIA_TYPE: content["application/json"]}
        return schema


api = IntranetAPI(
    title="Intranet API",
    version="1",
    description=_("The platform's REST API: see docs/api.md for tokens, paging, errors and limits."),
    urls_namespace="api",
    docs=SwaggerFromOwnStatic(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", communities.router)
api.add_router("", posts.router)
api.add_router("", people.router)
api.add_router("", notifications.router)
api.add_router("", training.router)
api.add_router("", meetups.router)
api.add_router("", figures.router)


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc.code, exc.detail, errors=exc.errors, headers=exc.headers)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, "not-found", _("There is nothing here, or you may not see it."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, "forbidden", _("You may not do this."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        "unauthenticated",
        _("Send a personal access token as “Authorization: Bearer …”, or sign in."),
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, _STATUS_CODES.get(exc.status_code, "bad-request"), str(exc))


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem_response(request, "invalid-input", _("Correct the fields named in errors."), errors=errors)


@api.exception_handler(ValidationError)
def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = field_errors(exc.message_dict)
    else:
        errors = [{"field": "", "message": str(message)} for message in exc.messages]
    detail = errors[0]["message"] if errors else ""
    return problem_response(request, "invalid-input", detail, errors=errors)


@api.exception_handler(InvalidCursor)
def _bad_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
    return problem_response(request, "invalid-cursor", _("Start again from the first page (no cursor)."))
