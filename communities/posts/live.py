"""Reads behind the live updates: what is newer than what an open page shows.

The websocket only says *that* something happened (ids); the page then asks these selectors,
through normal permission-checked views, what the viewer may see of it:

* :func:`posts_newer_for_community` and :func:`posts_newer_for_feed`: the posts newer than the
  newest card shown (a keyset bound, so the database seeks and stops at it), for the "N new posts"
  bar and for inserting the new cards;
* :func:`comments_newer_for_post`: the comments of an open post page newer than the last one shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.http import Http404

from communities.core.models import Community
from communities.core.permissions import can_read_community_content
from communities.posts.feed import FEED_KINDS, feed_query, post_cursor, post_cursor_values
from communities.posts.models import Comment, ContentStatus, Post
from communities.posts.permissions import (
    can_accept_answer,
    can_comment_on_post,
    can_react,
    can_view_post,
    visible_posts,
)
from communities.posts.selectors import (
    _comment_visibility,
    _decorate_comment,
    _kind_condition,
    _own_reactions,
    attach_tag_names,
    post_get_for_action,
    reaction_bar,
)
from intranet.core.viewer import Viewer

#: New cards inserted at most at once; beyond that the page offers a reload instead.
NEWER_LIMIT = 20
#: New comments inserted at most at once.
NEWER_COMMENTS_LIMIT = 50


def newest_cursor(posts: list[Post]) -> str:
    """The ``since`` cursor of the newest of ``posts`` ("" when there are none)."""
    if not posts:
        return ""
    newest = max(posts, key=lambda post: (post.created_at, post.pk))
    return post_cursor(newest.created_at, newest.pk)


@dataclass
class NewerPosts:
    """Posts newer than a page's newest card, newest first; ``more`` when over the limit."""

    posts: list[Post] = field(default_factory=list)
    more: bool = False
    since: str = ""

    @property
    def count(self) -> int:
        return len(self.posts)


def posts_newer_for_community(
    viewer: Viewer, community: Community, *, since: str, kind_filter: str = "all", cards: bool = False
) -> NewerPosts:
    """Published, unpinned posts of ``community`` newer than ``since`` (newest first, at most
    :data:`NEWER_LIMIT`; ``more`` if there are further ones), filtered like the stream.

    With ``cards`` the posts come ready for ``_post_card.html`` (author and profile joined, tags,
    the viewer's reactions): three queries; else one (ids and dates only). ``Http404`` unless the
    viewer may read the community; ``InvalidCursor`` for a bad ``since``.
    """
    if not can_read_community_content(viewer, community):
        raise Http404
    qs = Post.objects.filter(
        community=community, status=ContentStatus.PUBLISHED, deleted_at__isnull=True, is_pinned=False
    ).filter(_kind_condition(kind_filter))
    if since:
        at, pk = post_cursor_values(since)
        qs = qs.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
    qs = qs.order_by("-created_at", "-id")
    if cards:
        qs = qs.select_related("author__profile").defer("search_vector", "body_source", "body_html")
    else:
        qs = qs.only("pk", "created_at")
    posts = list(qs[: NEWER_LIMIT + 1])
    more = len(posts) > NEWER_LIMIT
    posts = posts[:NEWER_LIMIT]
    if cards and posts:
        attach_tag_names(posts)
        mine = _own_reactions(viewer, posts, [])
        for post in posts:
            post.community = community
            post.reaction_bar = reaction_bar(post.reaction_counts, mine.get(("post", post.pk), ()))  # type: ignore[attr-defined]
            post.can_react = can_react(viewer, post)  # type: ignore[attr-defined]
    return NewerPosts(posts=posts, more=more, since=newest_cursor(posts) or since)


def posts_newer_for_feed(viewer: Viewer, *, since: str, kind: str = "", cards: bool = False) -> NewerPosts:
    """Posts of the viewer's home feed newer than ``since`` (the feed's own id query with a lower
    bound: one query; with ``cards`` two more for the posts and their tags). ``InvalidCursor`` for a
    bad ``since``; an unknown ``kind`` means every kind.
    """
    if not viewer.is_authenticated:
        return NewerPosts(since=since)
    if kind not in FEED_KINDS:
        kind = ""
    sql, params = feed_query(viewer=viewer, kind=kind or None, page_size=NEWER_LIMIT, since=since or None)
    with connection.cursor() as db:
        db.execute(sql, params)
        rows: list[tuple[int, dt.datetime]] = db.fetchall()
    more = len(rows) > NEWER_LIMIT
    rows = rows[:NEWER_LIMIT]
    newest = post_cursor(rows[0][1], rows[0][0]) if rows else since
    if not cards or not rows:
        stand_ins = [Post(pk=pk, created_at=created_at) for pk, created_at in rows]
        return NewerPosts(posts=stand_ins, more=more, since=newest)
    ids = [pk for pk, _created_at in rows]
    loaded = (
        Post.objects.filter(pk__in=ids)
        .select_related("author", "author__profile", "community")
        .defer("search_vector", "community__search_vector")
    )
    by_id = {post.pk: post for post in loaded}
    attach_tag_names(by_id.values())
    return NewerPosts(posts=[by_id[pk] for pk in ids if pk in by_id], more=more, since=newest)


@dataclass
class NewerComments:
    """New comments of a post page: top-level ones (with their new replies in ``reply_list``) and
    replies to comments already shown (each with ``parent_id``)."""

    post: Post
    top_level: list[Comment]
    replies: list[Comment]
    after: int
    can: dict[str, Any]


def comments_newer_for_post(viewer: Viewer, post_pk: int, *, after: int) -> NewerComments:
    """The comments of post ``post_pk`` with an id above ``after`` that the viewer may see, oldest
    first, decorated like the post page's (reaction bars, permission flags): four queries (post,
    comments, the viewer's reactions on them; the role map if not cached). ``Http404`` for a
    missing or hidden post.
    """
    post = post_get_for_action(viewer, post_pk)
    shown = _comment_visibility(viewer, post)
    qs = Comment.objects.filter(post=post, pk__gt=after).select_related("author__profile")
    if shown is not None:
        qs = qs.filter(shown)
    comments = list(qs.order_by("created_at", "id")[:NEWER_COMMENTS_LIMIT])
    mine = _own_reactions(viewer, [], comments)
    accept = can_accept_answer(viewer, post)
    by_id = {comment.pk: comment for comment in comments}
    top_level: list[Comment] = []
    replies: list[Comment] = []
    for comment in comments:
        comment.post = post
        comment.reply_list = []  # type: ignore[attr-defined]
        _decorate_comment(viewer, comment, mine, accept)
        if comment.parent_id is None:
            top_level.append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].reply_list.append(comment)  # type: ignore[attr-defined]
        else:
            replies.append(comment)
    can = {"comment": can_comment_on_post(viewer, post), "accept": accept, "view": can_view_post(viewer, post)}
    newest = max([after, *by_id])
    return NewerComments(post=post, top_level=top_level, replies=replies, after=newest, can=can)


def post_card_for_viewer(viewer: Viewer, pk: int) -> Post:
    """One post as a stream card (after ``post.hidden`` / ``post.restored``): author, profile and
    community joined, tags prefetched, ``reaction_bar`` and ``can_react`` attached. Three queries
    (post, tags, the viewer's reactions). ``Http404`` for missing and invisible alike, so a reader
    who may no longer see a hidden post learns nothing but "gone"."""
    post = (
        visible_posts(viewer, Post.objects.select_related("community", "author__profile"))
        .defer("search_vector", "body_source", "body_html", "community__search_vector")
        .filter(pk=pk, deleted_at__isnull=True)
        .first()
    )
    if post is None:
        raise Http404
    attach_tag_names([post])
    mine = _own_reactions(viewer, [post], [])
    post.reaction_bar = reaction_bar(post.reaction_counts, mine.get(("post", post.pk), ()))  # type: ignore[attr-defined]
    post.can_react = can_react(viewer, post)  # type: ignore[attr-defined]
    return post
