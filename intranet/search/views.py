"""The one search page: a box, a tab per registered result type with its count, and the active
type's results paged by keyset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.http import urlencode

from .registry import COUNT_CAP, ResultPage, SearchProvider, providers

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    count: int
    url: str

    @property
    def count_display(self) -> str:
        if self.count > COUNT_CAP:
            return f"{number_format(COUNT_CAP, force_grouping=True)}+"
        return number_format(self.count, force_grouping=True)


def clean_query(raw: str) -> str:
    """Collapse whitespace and cut overlong input (a pasted document is not a search term)."""
    return " ".join(raw.split())[:MAX_QUERY_LENGTH].strip()


def _url(**params: str) -> str:
    return f"{reverse('search:results')}?{urlencode(params)}"


def _results(provider: SearchProvider, request: HttpRequest, query: str, cursor: str | None) -> ResultPage:
    viewer = request.viewer  # type: ignore[attr-defined]
    return provider.results(viewer, query, cursor=cursor, limit=PAGE_SIZE)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    query = clean_query(request.GET.get("q", ""))
    wanted = request.GET.get("type", "")
    cursor = request.GET.get("cursor") or None
    registered = {provider.key: provider for provider in providers()}
    context: dict[str, Any] = {"query": query, "tabs": [], "active": None, "page": ResultPage(), "next_url": ""}

    if query and cursor and wanted in registered and getattr(request, "htmx", False):
        # "More results": only the next slice of the active tab, without recounting every type.
        provider = registered[wanted]
        page = _results(provider, request, query, cursor)
        context.update(page=page, active_provider=provider, next_url=_next_url(query, wanted, page))
        return render(request, "search/_results_page.html", context)

    if query:
        tabs = [
            Tab(key=p.key, label=p.label, count=p.count(viewer, query, cap=COUNT_CAP), url=_url(q=query, type=p.key))
            for p in registered.values()
        ]
        active = next((t for t in tabs if t.key == wanted), None) or next((t for t in tabs if t.count), None)
        if active is None and tabs:
            active = tabs[0]
        context.update(tabs=tabs, active=active)
        if active is not None and active.count:
            provider = registered[active.key]
            page = _results(provider, request, query, cursor)
            context.update(page=page, active_provider=provider, next_url=_next_url(query, active.key, page))
    return render(request, "search/search.html", context)


def _next_url(query: str, key: str, page: ResultPage) -> str:
    return _url(q=query, type=key, cursor=page.next_cursor) if page.next_cursor else ""
