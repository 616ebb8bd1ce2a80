"""System checks of the kernel's deployment settings (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from .clientip import DEFAULT_CLIENT_IP_HEADER


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Behind a proxy the client address must come from a trusted header, and a header alone is
    not enough: without a proxy count it is ignored (or, if believed, spoofable)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", None)
    header = getattr(settings, "CLIENT_IP_HEADER", DEFAULT_CLIENT_IP_HEADER) or ""
    errors: list[CheckMessage] = []
    if count is None and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        errors.append(
            Error(
                "SECURE_PROXY_SSL_HEADER trusts a proxy, but TRUSTED_PROXY_COUNT is not set: every "
                "client would share the proxy's address, and one person's failed logins would lock "
                "out everyone.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to "
                f"{header or DEFAULT_CLIENT_IP_HEADER} (0 if clients connect directly); see deploy/README.md.",
                id="core.E001",
            )
        )
    if not count and header.lower() != DEFAULT_CLIENT_IP_HEADER.lower():
        errors.append(
            Error(
                f"CLIENT_IP_HEADER is set to {header!r}, but TRUSTED_PROXY_COUNT is not: the header is ignored.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the application.",
                id="core.E002",
            )
        )
    if count and not header.strip():
        errors.append(
            Error(
                "TRUSTED_PROXY_COUNT is set but CLIENT_IP_HEADER is empty.",
                hint=f"Name the header the proxies set, e.g. {DEFAULT_CLIENT_IP_HEADER}.",
                id="core.E003",
            )
        )
    return errors
