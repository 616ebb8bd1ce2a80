"""Kernel helpers for the permission subsystem; the rules themselves live in each app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


def require(allowed: bool, message: str = "") -> None:
    """Raise ``PermissionDenied`` unless ``allowed``. Services call this on their first line."""
    if not allowed:
        raise PermissionDenied(message or "You are not allowed to do this.")


def require_visible(visible: bool) -> None:
    """Raise ``Http404`` unless ``visible``: a hidden object must look exactly like a missing one."""
    if not visible:
        raise Http404
