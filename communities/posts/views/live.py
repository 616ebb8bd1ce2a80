"""Fragments behind the live updates: the "N new posts" bar, the new cards, the new comments.

The websocket only tells an open page *that* something happened; these views answer what the
viewer may see of it, with the same permission checks as the pages themselves (404 for missing
and hidden alike).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from communities.core import selectors
from communities.core.models import Community
from communities.posts.feed import FEED_KINDS
from communities.posts.live import (
    NEWER_LIMIT,
    NewerPosts,
    comments_newer_for_post,
    post_card_for_viewer,
    posts_newer_for_community,
    posts_newer_for_feed,
)
from communities.posts.selectors import KIND_FILTERS
from intranet.core.dbrouter import primary_reads
from intranet.core.web import viewer_of as _viewer


@dataclass(frozen=True)
class LiveBar:
    """What ``communities/posts/_live_new_posts.html`` needs to render the "N new posts" bar."""

    topic: str  # the websocket topic the bar listens to
    url: str  # this bar's endpoint, with ``since`` (and ``kind``)
    target: str  # the list new cards are inserted into
    reload_url: str  # the page itself, for "too many" or an empty list
    insert: bool  # whether the list exists to insert into
    in_list: bool = False  # wrap each card in <li> (the community stream is a list)
    show_community: bool = False
    count: int = 0
    more: bool = False
    limit: int = NEWER_LIMIT


def _with_query(url: str, **params: str) -> str:
    return f"{url}?{urlencode(params)}"


def community_live_bar(community: Community, *, since: str, kind: str, insert: bool) -> LiveBar:
    """The bar of a community's stream whose newest card has the cursor ``since``."""
    page = reverse("communities:community_detail", kwargs={"slug": community.slug})
    endpoint = reverse("communities:post_stream_newer", kwargs={"slug": community.slug})
    kind = kind if kind in KIND_FILTERS and kind != "all" else ""
    params = {"since": since, "kind": kind, "list": "1" if insert else "0"}
    return LiveBar(
        topic=f"community.{community.pk}",
        url=_with_query(endpoint, **params),
        target="#post-stream-list",
        reload_url=_with_query(page, kind=kind) if kind else page,
        insert=insert,
        in_list=True,
    )


def feed_live_bar(*, since: str, kind: str, insert: bool) -> LiveBar:
    """The bar of the home feed whose newest card has the cursor ``since``."""
    home = reverse("home")
    kind = kind if kind in FEED_KINDS else ""
    params = {"since": since, "kind": kind, "list": "1" if insert else "0"}
    return LiveBar(
        topic="feed",
        url=_with_query(reverse("communities:feed_newer"), **params),
        target="#feed-items",
        reload_url=_with_query(home, kind=kind) if kind else home,
        insert=insert,
        show_community=True,
    )


def _answer(request: HttpRequest, bar: LiveBar, fresh: LiveBar, newer: NewerPosts) -> HttpResponse:
    """The bar with the count, or (``show=1``) the new cards and a fresh bar counting from them."""
    if request.GET.get("show") == "1" and bar.insert and not newer.more:
        return render(request, "communities/posts/_live_new_posts_cards.html", {"posts": newer.posts, "live": fresh})
    return render(
        request, "communities/posts/_live_new_posts.html", {"live": replace(bar, count=newer.count, more=newer.more)}
    )


def _params(request: HttpRequest) -> tuple[str, str, bool, bool]:
    """``since``, ``kind``, whether the page has a list to insert into, and ``show``."""
    get = request.GET
    return get.get("since", ""), get.get("kind", ""), get.get("list", "1") == "1", get.get("show") == "1"


@login_required
@primary_reads
def post_stream_newer(request: HttpRequest, slug: str) -> HttpResponse:
    """How many posts are newer than ``since`` in the community stream (the bar), or with
    ``show=1`` the new cards plus a bar counting from them."""
    viewer = _viewer(request)
    community = selectors.community_get_for_viewer(viewer, slug)
    since, kind, insert, show = _params(request)
    newer = posts_newer_for_community(viewer, community, since=since, kind_filter=kind or "all", cards=show)
    bar = community_live_bar(community, since=since, kind=kind, insert=insert)
    fresh = community_live_bar(community, since=newer.since, kind=kind, insert=insert)
    return _answer(request, bar, fresh, newer)


@login_required
@primary_reads
def feed_newer(request: HttpRequest) -> HttpResponse:
    """The home feed's bar (or, with ``show=1``, its new cards)."""
    viewer = _viewer(request)
    since, kind, insert, show = _params(request)
    newer = posts_newer_for_feed(viewer, since=since, kind=kind, cards=show)
    bar = feed_live_bar(since=since, kind=kind, insert=insert)
    fresh = feed_live_bar(since=newer.since, kind=kind, insert=insert)
    return _answer(request, bar, fresh, newer)


@login_required
@primary_reads
def comment_list_newer(request: HttpRequest, pk: int) -> HttpResponse:
    """The comments of an open post page newer than ``after`` (a comment id), as out-of-band
    fragments: new top-level comments go to the end of the list, replies under their comment."""
    raw = request.GET.get("after", "0")
    if not raw.isdigit() or len(raw) > 18:
        return HttpResponseBadRequest()
    newer = comments_newer_for_post(_viewer(request), pk, after=int(raw))
    return render(
        request, "communities/posts/_live_comments.html", {"newer": newer, "post": newer.post, "can": newer.can}
    )


@login_required
@primary_reads
def post_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One post's card for open streams and feeds (after ``post.hidden`` / ``post.restored``):
    404 when the viewer may not see it (the page then greys the card), the card otherwise (with a
    "hidden" badge for the author and moderators)."""
    post = post_card_for_viewer(_viewer(request), pk)
    context = {"post": post, "show_community": request.GET.get("community") == "1", "live_card": True}
    return render(request, "communities/posts/_post_card.html", context)
