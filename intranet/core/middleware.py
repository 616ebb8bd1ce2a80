from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .pagination import InvalidCursor
from .viewer import Viewer


class ViewerMiddleware:
    """Attach ``request.viewer``: built lazily once per request, after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = SimpleLazyObject(lambda: Viewer(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class MalformedInputMiddleware:
    """Answer malformed input with a translated 400 page in one place, before any view sees it.

    - A NUL character anywhere in the path, the query string or the form data (keys and values):
      PostgreSQL cannot store or compare text holding NUL, so letting it through turns a search,
      a message or a filter into a 500. Other control characters are stored as they are
      (PowerPoint pastes vertical tabs as line breaks). No view reads a JSON body; one that starts
      to must check it here too.
    - An :class:`intranet.core.pagination.InvalidCursor` from any list: a forged, truncated or
      foreign page cursor (views let it propagate, so every list answers the same way).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            return bad_request(
                request,
                _("Your input contains a NUL character, which no text may contain. Please remove it and try again."),
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InvalidCursor):
            return bad_request(
                request,
                _("This page link is out of date or incomplete. Please start again from the first page."),
                back_url=request.path,
                back_label=_("Go to the first page"),
            )
        return None


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _has_nul(request.GET):
        return True
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return False
    if request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        # Uploaded file names need no check: Django drops their non-printable characters.
        return _has_nul(request.POST)
    return False


def bad_request(request: HttpRequest, message: str, *, back_url: str = "/", back_label: str = "") -> HttpResponse:
    """A plain, translated 400 page saying what was wrong with the request, with a way back; below
    ``PROBLEM_JSON_PATH_PREFIXES`` (the API) an RFC 9457 problem instead of a page."""
    if request.path.startswith(tuple(getattr(settings, "PROBLEM_JSON_PATH_PREFIXES", ()))):
        body = {"type": "urn:intranet:problem:bad-request", "title": str(_("The request is malformed")), "status": 400}
        body.update({"detail": str(message), "instance": request.path, "errors": []})
        return JsonResponse(body, status=400, content_type="application/problem+json")
    context = {"message": message, "back_url": back_url, "back_label": back_label or _("Back")}
    return render(request, "core/bad_request.html", context, status=400)
