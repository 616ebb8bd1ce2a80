from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        # django-htmx and our templates read the nonce under the name Django 6 will use.
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
