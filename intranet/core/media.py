"""Uploaded files: which of them are public, and how a private one leaves the server.

Public media (avatars, community covers, the CMS's images) have random names and may be served
straight from ``MEDIA_ROOT`` under ``MEDIA_URL``: :data:`settings.PUBLIC_MEDIA_PREFIXES` lists them.
Everything else below ``MEDIA_ROOT`` (post attachments, CMS documents) is private: it leaves the
server only through a view that checked the viewer's permission, which answers with
:func:`private_file_response`. In development the media URL serves the public prefixes alone
(:func:`media_urlpatterns`); in production the proxy does the same and serves private files only
from an ``internal`` location the application names in an ``X-Accel-Redirect`` header (see
``deploy/README.md``).
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, re_path
from django.utils.http import content_disposition_header
from django.views.static import serve


def public_media_name(path: str) -> str | None:
    """``path`` normalised if it lies below one of the public prefixes, else ``None``."""
    name = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if name.startswith("..") or "/../" in f"/{name}/":
        return None
    prefixes = tuple(prefix.strip("/") + "/" for prefix in settings.PUBLIC_MEDIA_PREFIXES)
    return name if name.startswith(prefixes) else None


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Development only: a public upload from ``MEDIA_ROOT``; 404 for every private one."""
    name = public_media_name(path)
    if name is None:
        raise Http404
    return serve(request, name, document_root=str(settings.MEDIA_ROOT))


def media_urlpatterns() -> list[URLPattern]:
    """The development server's media URL (``DEBUG`` only, like ``django.conf.urls.static``)."""
    prefix = settings.MEDIA_URL.lstrip("/")
    if not settings.DEBUG or not prefix or "://" in settings.MEDIA_URL:
        return []
    return [re_path(rf"^{prefix}(?P<path>.*)$", public_media)]


def private_file_response(file: File, *, filename: str, content_type: str, inline: bool) -> HttpResponse | FileResponse:
    """The response for a private file the caller has checked the viewer may read.

    With ``ATTACHMENTS_ACCEL_REDIRECT_PREFIX`` set (production behind nginx), an empty response whose
    ``X-Accel-Redirect`` names the file below that ``internal`` location: the proxy sends the bytes.
    Without it, the file itself, streamed (``Http404`` when it is gone from storage).
    """
    prefix = settings.ATTACHMENTS_ACCEL_REDIRECT_PREFIX
    if prefix:
        response: HttpResponse | FileResponse = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(str(file.name).lstrip("/"))
        response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    else:
        try:
            handle = file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
