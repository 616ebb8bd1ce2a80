from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .viewer import Viewer


class ViewerMiddleware:
    """Attach ``request.viewer``: built lazily once per request, after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer = SimpleLazyObject(lambda: Viewer(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
