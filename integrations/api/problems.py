"""RFC 9457 problem details: the one shape of every error the API answers.

``type`` is a stable URN per kind of problem, ``title`` its translated summary, ``detail`` what went
wrong with this request, ``errors`` the fields at fault (422). The media type is
``application/problem+json``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from ninja import Schema

MEDIA_TYPE = "application/problem+json"

#: Problem kinds by code: the HTTP status and the translated title.
KINDS: dict[str, tuple[int, Any]] = {
    "bad-request": (400, _("The request is malformed")),
    "invalid-cursor": (400, _("The page cursor is not valid")),
    "invalid-idempotency-key": (400, _("The Idempotency-Key header is not valid")),
    "unauthenticated": (401, _("Authentication is required")),
    "forbidden": (403, _("You are not allowed to do this")),
    "insufficient-scope": (403, _("The token’s scope does not allow this")),  # noqa: RUF001
    "not-found": (404, pgettext_lazy("api problem", "Not found")),
    "method-not-allowed": (405, _("This method is not allowed here")),
    "conflict": (409, _("The request conflicts with the current state")),
    "precondition-failed": (412, _("The resource has changed since you read it")),
    "invalid-input": (422, _("The input is not valid")),
    "idempotency-key-reused": (422, _("This Idempotency-Key was used for another request")),
    "rate-limited": (429, _("Too many requests")),
}


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """An RFC 9457 problem details object."""

    type: str
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[FieldError] = []


class ApiProblem(Exception):
    """Raise to answer with the problem ``code`` (a key of :data:`KINDS`)."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(
    request: HttpRequest,
    code: str,
    detail: str = "",
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    status, title = KINDS[code]
    body = {
        "type": f"urn:intranet:problem:{code}",
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
        "errors": errors or [],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def field_errors(message_dict: dict[str, list[str]]) -> list[dict[str, str]]:
    return [
        {"field": "" if name == "__all__" else name, "message": str(message)}
        for name, messages in message_dict.items()
        for message in messages
    ]


#: What every operation may answer besides its success: declared in the schema of each.
COMMON_ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
