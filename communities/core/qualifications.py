"""A registry through which a qualification app (training) tells communities who is qualified.

Communities shows certified successors in a handover and levels in the console without importing
training: training registers its loaders from ``AppConfig.ready()``. Without a registered source
nobody counts as certified and suggestions rest on activity and management experience alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Loader = Callable[[list[int]], dict[int, Any]]

_sources: dict[str, Loader] = {}


def register_qualification_source(*, certificates: Loader | None = None, levels: Loader | None = None) -> None:
    """Register one query each: ``certificates(user_ids) -> {user_id: [certificate, ...]}`` and
    ``levels(user_ids) -> {user_id: level}``."""
    if certificates is not None:
        _sources["certificates"] = certificates
    if levels is not None:
        _sources["levels"] = levels


def certificates_for(user_ids: list[int]) -> dict[int, list[Any]]:
    """Valid certificates per user from the registered source (one query), else ``{}``."""
    loader = _sources.get("certificates")
    return dict(loader(user_ids)) if loader and user_ids else {}


def levels_for(user_ids: list[int]) -> dict[int, Any]:
    """Current qualification level per user from the registered source (one query), else ``{}``."""
    loader = _sources.get("levels")
    return dict(loader(user_ids)) if loader and user_ids else {}
