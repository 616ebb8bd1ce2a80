"""The home feed: posts from the viewer's communities and from the colleagues they follow.

Read in two steps ("ids, then hydrate"):

1. One raw SQL query finds the ids of the page. For every community the viewer is an active member
   of (ids from the cached role map) a ``LATERAL`` subquery seeks into the partial index
   ``post_community_recent`` and takes at most ``page_size + 1`` posts older than the cursor; the
   same happens per followed colleague over ``post_author_recent``, keeping only posts in
   communities the viewer may read. The union is merge-sorted by ``(created_at, id)`` and cut to
   the page. Each seek reads a handful of index entries, so the cost grows with the number of
   communities and follows of the viewer, never with the number of posts, and a deep page costs
   the same as the first (no OFFSET).
2. One ORM query loads those posts with author, profile and community, plus one for their tags.

A naive ORM query (``community_id IN (...) OR author_id IN (...) ORDER BY created_at``) cannot use
either index for the order and sorts every matching post of every community instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from communities.core.models import Community, Membership
from communities.core.permissions import community_ids_where, coordinates_everything, role_map
from communities.posts.models import ContentStatus, Post
from communities.posts.selectors import attach_tag_names
from intranet.accounts.models import Follow
from intranet.core.pagination import InvalidCursor, decode_cursor, encode_cursor
from intranet.core.viewer import Viewer

FEED_PAGE_SIZE = 20

#: The kinds the feed filters by (``None`` or ``""`` means all).
FEED_KINDS: tuple[str, ...] = tuple(Post.Kind.values)


@dataclass
class FeedPage:
    items: list[Post] = field(default_factory=list)
    next_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _cursor_values(cursor: str) -> tuple[dt.datetime, int]:
    created_at, pk = decode_cursor(cursor, 2)
    if not isinstance(created_at, dt.datetime) or created_at.tzinfo is None:
        raise InvalidCursor("cursor holds no aware date")
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise InvalidCursor("cursor holds no id")
    return created_at, pk


def feed_sql(*, coordinator: bool, with_cursor: bool, with_kind: bool, with_since: bool = False) -> str:
    """The id query of one feed page (named parameters: ``communities``, ``banned``, ``viewer``,
    ``limit`` and, as flagged, ``before_at``/``before_id``, ``since_at``/``since_id`` and ``kind``).

    ``with_since`` keeps only posts newer than ``(since_at, since_id)`` (the live "new posts" bar);
    each seek then stops at the bound instead of reading a page.

    The status and deletion conditions are literals, exactly as in the partial index's predicate,
    so the planner can prove the index applies.
    """
    post = Post._meta.db_table
    community = Community._meta.db_table
    follow = Follow._meta.db_table
    published = ContentStatus.PUBLISHED.value
    conditions = f"p.status = '{published}' AND p.deleted_at IS NULL"
    if with_cursor:
        conditions += " AND (p.created_at, p.id) < (%(before_at)s, %(before_id)s)"
    if with_since:
        conditions += " AND (p.created_at, p.id) > (%(since_at)s, %(since_id)s)"
    if with_kind:
        conditions += " AND p.kind = %(kind)s"
    # Posts of followed colleagues count only in communities the viewer may read (the twin of
    # can_read_community_content): public ones they are not banned from and their own.
    readable_join = ""
    if not coordinator:
        public = Community.Visibility.PUBLIC.value
        readable_join = (
            f"JOIN {community} AS c ON c.id = p.community_id "
            f"AND ((c.visibility = '{public}' AND c.id <> ALL(%(banned)s::bigint[])) "
            "OR c.id = ANY(%(communities)s::bigint[]))"
        )
    # Only table names and constants of this module are formatted in; values are parameters.
    return f"""
        WITH mine AS (
            SELECT p.id, p.created_at
            FROM unnest(%(communities)s::bigint[]) AS m(community_id)
            CROSS JOIN LATERAL (
                SELECT p.id, p.created_at
                FROM {post} AS p
                WHERE p.community_id = m.community_id AND {conditions}
                ORDER BY p.created_at DESC, p.id DESC
                LIMIT %(limit)s
            ) AS p
        ),
        followed AS (
            SELECT p.id, p.created_at
            FROM {follow} AS f
            CROSS JOIN LATERAL (
                SELECT p.id, p.created_at
                FROM {post} AS p
                {readable_join}
                WHERE p.author_id = f.followee_id AND {conditions}
                ORDER BY p.created_at DESC, p.id DESC
                LIMIT %(limit)s
            ) AS p
            WHERE f.follower_id = %(viewer)s
        )
        SELECT id, created_at FROM mine
        UNION
        SELECT id, created_at FROM followed
        ORDER BY created_at DESC, id DESC
        LIMIT %(limit)s
    """  # noqa: S608


def feed_query(
    *,
    viewer: Viewer,
    kind: str | None = None,
    cursor: str | None = None,
    page_size: int = FEED_PAGE_SIZE,
    since: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of the id query (exposed for EXPLAIN in tests and the benchmark).

    ``since`` is a cursor of the newest post shown (see :func:`communities.posts.live`): only
    newer posts are selected. Raises ``InvalidCursor`` for a bad cursor or ``since``.
    """
    communities = community_ids_where(viewer)
    coordinator = coordinates_everything(viewer)
    banned = sorted(cid for cid, (_role, state) in role_map(viewer).items() if state == Membership.State.BANNED)
    params: dict[str, Any] = {
        "communities": communities,
        "banned": banned,
        "viewer": viewer.user_id,
        "limit": page_size + 1,
    }
    if cursor:
        params["before_at"], params["before_id"] = _cursor_values(cursor)
    if since:
        params["since_at"], params["since_id"] = _cursor_values(since)
    if kind:
        if kind not in FEED_KINDS:
            raise ValueError(f"unknown post kind {kind!r}")
        params["kind"] = kind
    sql = feed_sql(coordinator=coordinator, with_cursor=bool(cursor), with_kind=bool(kind), with_since=bool(since))
    return sql, params


def post_list_for_feed(
    *, viewer: Viewer, kind: str | None = None, cursor: str | None = None, page_size: int = FEED_PAGE_SIZE
) -> FeedPage:
    """One page of the viewer's home feed, newest first.

    Queries: the viewer's role map and model permissions (cached on the viewer, so free when
    another part of the page loaded them), one id query, and, when the page is not empty, one for
    the posts (author, profile, community) and one for their tags. Raises ``InvalidCursor`` for a
    cursor this feed did not make; ``ValueError`` for an unknown ``kind``.
    """
    if not viewer.is_authenticated:
        return FeedPage()
    sql, params = feed_query(viewer=viewer, kind=kind, cursor=cursor, page_size=page_size)
    with connection.cursor() as db:
        db.execute(sql, params)
        rows: list[tuple[int, dt.datetime]] = db.fetchall()
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last_id, last_at = rows[-1]
        next_cursor = encode_cursor([last_at, last_id])
    if not rows:
        return FeedPage()
    ids = [pk for pk, _created_at in rows]
    posts = (
        Post.objects.filter(pk__in=ids)
        .select_related("author", "author__profile", "community")
        # The search vectors are the widest columns and no card shows them.
        .defer("search_vector", "community__search_vector")
    )
    by_id = {post.pk: post for post in posts}
    attach_tag_names(by_id.values())
    return FeedPage(items=[by_id[pk] for pk in ids if pk in by_id], next_cursor=next_cursor)
