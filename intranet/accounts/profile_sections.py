"""Sections that other apps add to the profile page, without the accounts app importing them.

An app registers a callable from its ``AppConfig.ready()``::

    register_profile_section(render_training_section, order=50)

The callable receives the request and the person shown and returns rendered HTML (already safe,
e.g. from ``render_to_string``) or an empty string to show nothing. It should cost a fixed number of
queries; the profile page's query count is pinned in the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User

ProfileSection = Callable[["HttpRequest", "User"], str]

_sections: list[tuple[int, str, ProfileSection]] = []


def register_profile_section(section: ProfileSection, *, order: int = 100) -> None:
    """Add ``section`` to every profile page (idempotent for the same callable)."""
    key = f"{section.__module__}.{section.__qualname__}"
    if any(existing == key for _order, existing, _fn in _sections):
        return
    _sections.append((order, key, section))
    _sections.sort(key=lambda row: (row[0], row[1]))


def render_profile_sections(request: HttpRequest, person: User) -> list[SafeString]:
    """The HTML of every registered section for ``person``, in order, empty ones left out."""
    rendered = []
    for _order, _key, section in _sections:
        html = section(request, person)
        if html:
            rendered.append(mark_safe(html))  # noqa: S308  (sections return rendered templates)
    return rendered
