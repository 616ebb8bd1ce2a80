"""The communities search provider: communities the viewer may see, best match first."""

from __future__ import annotations

from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from communities.core.models import Community
from communities.core.permissions import visible_communities
from intranet.core.pagination import keyset_page
from intranet.core.viewer import Viewer
from intranet.search.registry import ResultPage, register


class CommunitySearchProvider:
    key = "communities"
    label = _("Communities")
    template_name = "search/_community_result.html"
    position = 20

    def _queryset(self, viewer: Viewer, query: str) -> QuerySet[Community]:
        return visible_communities(viewer, Community.objects.search(query))

    def count(self, viewer: Viewer, query: str, *, cap: int) -> int:
        if not viewer.is_authenticated:
            return 0
        return self._queryset(viewer, query).order_by().values("pk")[: cap + 1].count()

    def results(self, viewer: Viewer, query: str, *, cursor: str | None, limit: int) -> ResultPage:
        if not viewer.is_authenticated:
            return ResultPage()
        # Best match first (name and tags weigh most), the busier community on a tie. ts_rank is a
        # float4, whose value does not survive the trip through Python's float and back (0.0607927
        # != 0.0607927030...); as a double the cursor compares equal to the row it came from.
        qs = (
            self._queryset(viewer, query)
            .annotate(rank_key=Cast("rank", FloatField()))
            .select_related("category")
            .defer("search_vector")
        )
        page = keyset_page(qs, ordering=("-rank_key", "-member_count", "-id"), cursor=cursor, page_size=limit)
        return ResultPage(items=page.items, next_cursor=page.next_cursor)


def register_providers() -> None:
    register(CommunitySearchProvider())
