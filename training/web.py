"""View helpers shared by the training screens: guards, keyset pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from intranet.core.viewer import Viewer
from intranet.core.web import viewer_of


def guard(check: Callable[[Viewer], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed in, and ``check(viewer)``; others get 403 (the manage area exists, it is just closed)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not check(viewer_of(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def cursor_page(request: HttpRequest, loader: Callable[[str | None], Any]) -> Any:
    """``loader(cursor)`` with the request's ``?cursor=``; a forged cursor raises ``InvalidCursor``,
    which the kernel's ``MalformedInputMiddleware`` answers with a 400."""
    return loader(request.GET.get("cursor"))


def base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"
