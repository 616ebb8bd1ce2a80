"""Test helpers for posting forms as a browser does."""

from __future__ import annotations

import uuid
from typing import Any

from intranet.core.idempotency import FIELD


def with_key(data: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    """``data`` plus a fresh ``idempotency_key``: what a creating form rendered once sends."""
    return {**(data or {}), **more, FIELD: str(uuid.uuid4())}
