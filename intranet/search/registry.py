"""The search page's registry of result types.

The shell knows no domain nouns: apps that own searchable things (communities, posts, people, later
trainings and meetups) register a provider from their ``AppConfig.ready()``. The search view asks
every registered provider for a capped count and the active one for a page of results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.utils.functional import Promise

from intranet.core.viewer import Viewer

#: Counts stop at this many rows (the tab then reads "1,000+"), so a common term never makes the
#: database count millions of matches just to print a number nobody reads.
COUNT_CAP = 1000


@dataclass(frozen=True)
class ResultPage:
    """One page of a provider's results: ``items`` are what the provider's ``template_name``
    renders (one ``item`` at a time), ``next_cursor`` an opaque keyset token or ``None``."""

    items: Sequence[Any] = field(default_factory=tuple)
    next_cursor: str | None = None


@runtime_checkable
class SearchProvider(Protocol):
    """What an app registers to appear on the search page.

    ``key`` is the stable, URL-safe tab name (``?type=<key>``); ``label`` the translatable tab title;
    ``template_name`` renders one result (context variable ``item``); ``position`` orders the tabs.
    Both methods must apply the viewer's permissions and cost a constant number of queries.
    ``results`` raises :class:`intranet.core.pagination.InvalidCursor` for a foreign cursor.
    """

    # Read-only properties, so providers may declare them as plain (or lazily translated) class
    # attributes.
    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str | Promise: ...

    @property
    def template_name(self) -> str: ...

    @property
    def position(self) -> int: ...

    def count(self, viewer: Viewer, query: str, *, cap: int) -> int:
        """How many results ``query`` has for ``viewer``, counting at most ``cap + 1`` rows."""
        ...

    def results(self, viewer: Viewer, query: str, *, cursor: str | None, limit: int) -> ResultPage:
        """One page of results after ``cursor``."""
        ...


_providers: dict[str, SearchProvider] = {}


def register(provider: SearchProvider) -> None:
    """Add ``provider`` (or replace the one registered under the same key)."""
    if not provider.key or not provider.key.isidentifier():
        raise ValueError(f"search provider key must be a plain identifier, got {provider.key!r}")
    _providers[provider.key] = provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def providers() -> list[SearchProvider]:
    """The registered providers in tab order."""
    return sorted(_providers.values(), key=lambda p: (p.position, p.key))
