"""``ETag`` and ``If-None-Match`` on reads, ``If-Match`` on edits (412 when the resource moved on).

The ETag is a SHA-256 of the JSON the reader gets, so it changes exactly when what the person sees
changes, their permissions included; Django's ``get_conditional_response`` answers the 304.
"""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from .problems import ApiProblem


def conditional_get(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add the ETag to a successful read; 304 when the client already holds this version."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    response["ETag"] = content_etag(response.content)
    return get_conditional_response(request, etag=response["ETag"], response=response) or response


def content_etag(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def representation_etag(current: Schema) -> str:
    """The ETag a GET answering ``current`` (the output schema of the resource) carries."""
    return content_etag(json.dumps(current.model_dump(), cls=NinjaJSONEncoder).encode())


def check_if_match(request: HttpRequest, current: Schema) -> None:
    """412 unless ``If-Match`` (when sent) names the current representation's ETag."""
    header = request.headers.get("If-Match")
    if not header:
        return
    etags = parse_etags(header)
    if "*" in etags:
        return
    if representation_etag(current) not in {tag.removeprefix("W/") for tag in etags}:
        raise ApiProblem("precondition-failed", _("Read the resource again and apply your change to that version."))
