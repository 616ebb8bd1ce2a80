"""The download link of a data export: a secret derived from the row, so nothing needs to store it."""

from __future__ import annotations

import hashlib

from django.urls import reverse
from django.utils.crypto import salted_hmac

from .models import ExportRequest


def export_token(export: ExportRequest) -> str:
    """The secret part of the download link, derived from the row and ``SECRET_KEY``: the
    notification can carry the link without the token being stored; the row keeps its SHA-256
    while the link is valid (cleared when it expires)."""
    return salted_hmac("intranet.privacy.export", f"{export.pk}:{export.created_at.isoformat()}").hexdigest()[:40]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def export_download_url(export: ExportRequest) -> str:
    return reverse("privacy:export_download", kwargs={"pk": export.pk, "token": export_token(export)})
