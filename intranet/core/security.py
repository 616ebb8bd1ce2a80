"""Browser security headers beyond Django's own: the Content Security Policy of every area (the
admin areas included, with the few relaxations Wagtail needs), ``Permissions-Policy``, and the
endpoint browsers send CSP violation reports to.

Settings (``intranet/settings/base.py``): ``CONTENT_SECURITY_POLICY`` (the policy of the site),
``CSP_ADMIN_URL_PREFIXES`` and ``CSP_ADMIN_DIRECTIVES`` (the admin areas' policy), ``CSP_REPORT_URL``,
``PERMISSIONS_POLICY``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import structlog
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from intranet.core.errors import too_many_requests
from intranet.core.ratelimit import Limit, hit, hit_per_client

logger = structlog.get_logger(__name__)

#: The group name of ``report-to`` in the policy, declared by the ``Reporting-Endpoints`` header.
REPORT_GROUP = "csp-endpoint"
REPORT_CONTENT_TYPES = ("application/csp-report", "application/reports+json", "application/json")
#: A violation report is a few hundred bytes; a batch of them a few kilobytes.
REPORT_MAX_BYTES = 16 * 1024
#: Reports logged per request at most (a ``reports+json`` batch may hold many).
REPORTS_PER_REQUEST = 10
#: Reports accepted per client address and, in total, per minute: one broken page must not flood
#: the logs, and a client that spoofs its address still meets the total.
REPORTS_PER_ADDRESS_PER_MINUTE = 30
REPORTS_PER_MINUTE = 300
FIELD_MAX = 300

# The fields worth logging, under their ``report-uri`` and ``report-to`` spellings.
_FIELDS = {
    "document-uri": "document",
    "documentURL": "document",
    "effective-directive": "directive",
    "effectiveDirective": "directive",
    "violated-directive": "directive",
    "blocked-uri": "blocked",
    "blockedURL": "blocked",
    "source-file": "source",
    "sourceFile": "source",
    "line-number": "line",
    "lineNumber": "line",
    "disposition": "disposition",
    "status-code": "status",
    "statusCode": "status",
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with a second policy for the admin areas.

    ``/cms/`` (Wagtail) and ``/django-admin/`` get ``CSP_ADMIN_DIRECTIVES`` instead of being left
    without any policy: Wagtail 8 still renders inline scripts and style attributes, so the admin
    policy allows ``'unsafe-inline'`` (a nonce would make browsers ignore it) but keeps every other
    restriction (no foreign hosts, no plugins, no foreign form targets, no framing by other sites).
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = dict(settings.CSP_ADMIN_DIRECTIVES)
            parts.nonce = None
        return parts


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES))


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` (powerful browser features off unless listed) and the
    ``Reporting-Endpoints`` header that the policy's ``report-to`` group names."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)
        self.reporting_endpoints = f'{REPORT_GROUP}="{settings.CSP_REPORT_URL}"'

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Reporting-Endpoints", self.reporting_endpoints)
        return response


# The report endpoint ------------------------------------------------------------------------------


PER_ADDRESS = Limit("csp-report", REPORTS_PER_ADDRESS_PER_MINUTE, 60)
IN_TOTAL = Limit("csp-report-total", REPORTS_PER_MINUTE, 60)


def _retry_after(request: HttpRequest) -> int | None:
    """Fixed one-minute windows in the shared cache, per client address and in total: ``None``
    while within both, else the seconds until the exceeded window ends."""
    return hit_per_client(request, PER_ADDRESS) or hit("*", IN_TOTAL)


def _read_body(request: HttpRequest) -> bytes | None:
    """The request body if it is at most :data:`REPORT_MAX_BYTES` long, else ``None``."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > REPORT_MAX_BYTES:
        return None
    body = request.read(REPORT_MAX_BYTES + 1)
    return body if len(body) <= REPORT_MAX_BYTES else None


def _violations(payload: Any) -> list[dict[str, Any]]:
    """The violation bodies of a ``report-uri`` report or a ``report-to`` batch."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload
            if isinstance(item, dict) and item.get("type") == "csp-violation" and isinstance(item.get("body"), dict)
        ]
    return []


def _summary(violation: dict[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, name in _FIELDS.items():
        value = violation.get(key)
        if value is not None and name not in fields:
            fields[name] = str(value)[:FIELD_MAX]
    return fields


@csrf_exempt  # browsers send reports without cookies or tokens; the endpoint only writes a log line
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log CSP violation reports (``report-uri`` and ``report-to`` formats) as warnings.

    Size-capped (413), rate limited (429), JSON only (400/415); nothing is stored.
    """
    content_type = request.content_type or ""
    if content_type not in REPORT_CONTENT_TYPES:
        return HttpResponse(status=415)
    body = _read_body(request)
    if body is None:
        return HttpResponse(status=413)
    retry_after = _retry_after(request)
    if retry_after is not None:
        return too_many_requests(request, retry_after=retry_after)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return HttpResponse(status=400)
    violations = _violations(payload)
    if not violations:
        return HttpResponse(status=400)
    for violation in violations[:REPORTS_PER_REQUEST]:
        logger.warning("csp_violation", **_summary(violation))
    return HttpResponse(status=204)
