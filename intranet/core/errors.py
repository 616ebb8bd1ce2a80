"""The platform's error pages: 400, 403, 404, CSRF failure, 429 and 500 (503: ``unavailable.py``).

The composition root names the handlers (``handler400``, ``handler403``, ``handler404``,
``handler429`` for allauth's rate limits, ``handler500``) and ``CSRF_FAILURE_VIEW``.

- 403 and 404 render inside the site's chrome (header, footer), so a person can go on from there.
  Neither shows anything about what was asked for: a secret object answers exactly like a missing
  one, and a plain :class:`PermissionDenied` carries no text worth showing (``require``'s message
  is for logs and tests). Only an :class:`ExplainedPermissionDenied` puts its message on the page:
  text written for *this* viewer, such as the end and reason of their own mute.
- 500 and 429 are rendered without a request: no context processor, session or database is
  touched, so they still answer when those are the problem (or are being hammered).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Seconds a client should wait after allauth refused it: its limits count per minute (or per
#: quarter-hour for repeated failed sign-ins of one address, which the form itself explains).
ACCOUNT_RETRY_AFTER_SECONDS = 60


class ExplainedPermissionDenied(PermissionDenied):
    """A refusal whose reason the viewer may read on the 403 page.

    ``message`` must be safe to show to the person refused (their own mute, say); it is escaped
    when rendered. ``next_url`` and ``next_label`` offer a way on (default: the home page).
    """

    def __init__(self, message: str, *, title: str = "", next_url: str = "", next_label: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.title = title
        self.next_url = next_url
        self.next_label = next_label


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400`` (a suspicious or malformed request): never echoes what was sent."""
    context = {
        "message": _("The request could not be understood. Please go back and try again."),
        "back_url": "/",
        "back_label": _("Go to the home page"),
    }
    return render(request, "core/bad_request.html", context, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: the generic refusal, or the explanation an :class:`ExplainedPermissionDenied` carries."""
    context: dict[str, str] = {}
    if isinstance(exception, ExplainedPermissionDenied):
        context = {
            "title": exception.title,
            "message": exception.message,
            "next_url": exception.next_url,
            "next_label": exception.next_label,
        }
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: the same page for a missing object and one the viewer may not see."""
    return render(request, "404.html", {}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent from an old page or without cookies. ``reason`` is for
    the log only (Django logs it); the page says what a person can do about it."""
    return render(request, "403_csrf.html", {"cookies_missing": "cookie" in reason.lower()}, status=403)


def server_error_page() -> HttpResponse:
    """The 500 page: a static template rendered without the request (no database, no session)."""
    body = render_to_string("500.html", {"site_name": settings.WAGTAIL_SITE_NAME})
    response = HttpResponse(body, status=500)
    response["Cache-Control"] = "no-store"
    return response


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The 429 page with ``Retry-After``, rendered without the request's context (no queries)."""
    seconds = max(1, int(retry_after))
    body = render_to_string(
        "429.html",
        {"site_name": settings.WAGTAIL_SITE_NAME, "retry_after": seconds, "retry_minutes": max(1, -(-seconds // 60))},
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def account_rate_limited(request: HttpRequest) -> HttpResponse:
    """``handler429``: allauth answers its rate limits (sign-in, sign-up, password reset) with this."""
    return too_many_requests(request, retry_after=ACCOUNT_RETRY_AFTER_SECONDS)
