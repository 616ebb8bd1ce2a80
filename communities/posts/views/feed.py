"""The employees' home page: the personal feed, with the latest news beside it (function view)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from communities.core.permissions import community_ids_where
from communities.posts.feed import FEED_KINDS, post_list_for_feed
from communities.posts.live import newest_cursor
from communities.posts.models import Post
from communities.posts.views.live import feed_live_bar
from intranet.cms.selectors import news_list_for_home, section_pages_for_home

HOME_NEWS_LIMIT = 5

#: The filter menu: (value for ``?kind=``, label); "" shows every kind.
KIND_FILTERS: list[tuple[str, Any]] = [
    ("", _("All")),
    (Post.Kind.DISCUSSION, _("Discussions")),
    (Post.Kind.QUESTION, _("Questions")),
    (Post.Kind.ANNOUNCEMENT, _("Announcements")),
]


def _feed_url(**params: str) -> str:
    params = {key: value for key, value in params.items() if value}
    base = reverse("home")
    return f"{base}?{urlencode(params)}" if params else base


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
    kind = request.GET.get("kind", "")
    if kind not in FEED_KINDS:
        kind = ""
    cursor = request.GET.get("cursor", "")
    page = post_list_for_feed(viewer=viewer, kind=kind or None, cursor=cursor or None)
    context: dict[str, Any] = {
        "page": page,
        "kind": kind,
        "next_url": _feed_url(kind=kind, cursor=page.next_cursor) if page.next_cursor else "",
        # The "N new posts" bar counts from the newest card of the first page.
        "live": None if cursor else feed_live_bar(since=newest_cursor(page.items), kind=kind, insert=bool(page.items)),
    }
    if getattr(request, "htmx", False) and cursor:
        # "Older posts": only the next slice, appended in place of the link.
        return render(request, "communities/posts/_feed_page.html", context)
    sections = section_pages_for_home()
    context.update(
        kind_filters=[(value, label, _feed_url(kind=value)) for value, label in KIND_FILTERS],
        # From the role map the feed query already loaded: no extra query.
        has_communities=bool(community_ids_where(viewer)),
        news=news_list_for_home(limit=HOME_NEWS_LIMIT),
        news_index=sections.get("news"),
        guide_index=sections.get("guides"),
    )
    return render(request, "communities/posts/feed.html", context)
