"""Posts on the site search page (communities are ``communities.core.search``).

Registered with :mod:`intranet.search.registry` from ``CommunitiesConfig.ready()``. The provider
applies the viewer's permissions through the queryset twins of ``communities.core.permissions`` and
costs one query per call (plus the viewer's role and permission maps, cached for the request).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from communities.core.models import SEARCH_CONFIGS
from communities.core.permissions import coordinates_everything, readable_communities
from communities.posts.models import Post
from intranet.core.pagination import keyset_page
from intranet.core.viewer import Viewer
from intranet.search.registry import ResultPage, register


def _post_query(text: str) -> Any:
    """The user's words as a tsquery in every configuration the posts are indexed with.

    websearch syntax: quoted phrases, ``or`` and ``-word`` work; stray operators never error.
    """
    query = SearchQuery(text, config=SEARCH_CONFIGS[0], search_type="websearch")
    for config in SEARCH_CONFIGS[1:]:
        query = query | SearchQuery(text, config=config, search_type="websearch")
    return query


def post_queryset_for_search(*, viewer: Viewer, text: str) -> QuerySet[Post]:
    """Published, undeleted posts matching ``text`` in communities the viewer may read.

    Unordered; the caller orders. Coordinators read every community, so they get no community
    filter at all rather than an ``IN`` over every community.
    """
    qs = Post.objects.published().filter(search_vector=_post_query(text))
    if not coordinates_everything(viewer):
        qs = qs.filter(community__in=readable_communities(viewer))
    return qs


#: Terms the planner expects in fewer posts than this are paged from their matches (see below).
RARE_TERM_ESTIMATE = 50_000
#: At most this many matches are fetched for that; more fall back to the newest-first walk.
RARE_TERM_CANDIDATES = 5_000


def estimated_matches(text: str) -> int:
    """The planner's estimate of the published posts matching ``text`` (cached for ten minutes).

    One ``EXPLAIN`` (no execution) the first time a term is searched: it reads the statistics of
    the search vector's lexemes, which tell common from rare terms well enough to pick a plan.
    """
    key = "search:post-estimate:" + hashlib.sha256(text.encode()).hexdigest()
    estimate = cache.get(key)
    if estimate is None:
        plan = json.loads(Post.objects.published().filter(search_vector=_post_query(text)).explain(format="json"))
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        cache.set(key, estimate, 600)
    return int(estimate)


class PostSearchProvider:
    key = "posts"
    label = _("Posts")
    template_name = "search/_post_result.html"
    position = 10

    def count(self, viewer: Viewer, query: str, *, cap: int) -> int:
        if not viewer.is_authenticated:
            return 0
        return post_queryset_for_search(viewer=viewer, text=query).order_by().values("pk")[: cap + 1].count()

    def results(self, viewer: Viewer, query: str, *, cursor: str | None, limit: int) -> ResultPage:
        if not viewer.is_authenticated:
            return ResultPage()
        # Newest first, not by ts_rank: ranking has to score every match before it can return the
        # first twenty, which for a common term means hundreds of thousands of rows (240 ms for a
        # medium term at the reference scale), while date order walks matches newest-first and
        # stops after one page (< 1 ms). On an intranet, recency is also what people expect.
        # That walk is slow for a rare term, though: it reads hundreds of thousands of recent posts
        # to find twenty matches (1.2 s at the reference scale). So when the planner expects few
        # matches, their ids come first (a bitmap scan of the GIN index) and the page is sorted
        # from those (two queries of a few milliseconds instead of one slow one).
        qs = post_queryset_for_search(viewer=viewer, text=query)
        if estimated_matches(query) < RARE_TERM_ESTIMATE:
            ids = list(qs.order_by().values_list("pk", flat=True)[: RARE_TERM_CANDIDATES + 1])
            if len(ids) <= RARE_TERM_CANDIDATES:
                qs = Post.objects.filter(pk__in=ids)
        qs = qs.select_related("author", "community").defer(
            "body_html", "body_source", "search_vector", "community__search_vector"
        )
        page = keyset_page(qs, ordering=("-created_at", "-id"), cursor=cursor, page_size=limit)
        return ResultPage(items=page.items, next_cursor=page.next_cursor)


def register_providers() -> None:
    register(PostSearchProvider())
