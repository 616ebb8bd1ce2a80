"""View helpers shared by the training screens: guards, keyset pages, CSV exports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, StreamingHttpResponse

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


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> StreamingHttpResponse:
    """Stream ``rows`` as a UTF-8 CSV download (with a BOM, formula cells neutralised)."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def stream() -> Iterable[str]:
        yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8 names correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _safe_cell(value: Any) -> Any:
    # Cells starting with = + - @ are formulas in spreadsheet programs: neutralise them.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
