"""The feed's id query seeks into the partial indexes instead of scanning posts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection

from communities.models import ContentStatus, Post
from communities.posts.feed import feed_query, post_cursor
from intranet.core.viewer import Viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.communities.posts.feed.helpers import BASE, follow
from tests.factories import UserFactory

# Committed rows and a VACUUM: the planner should see the table as production does (statistics and
# the visibility map current), not the dead tuples that rolled-back tests leave behind.
pytestmark = pytest.mark.django_db(transaction=True)

COMMUNITIES = 40
POSTS_PER_COMMUNITY = 100  # 4,000 posts


@pytest.fixture
def dataset():
    authors = [UserFactory.create() for _ in range(12)]
    communities = [CommunityFactory.create() for _ in range(COMMUNITIES)]
    statuses = [ContentStatus.PUBLISHED] * 8 + [ContentStatus.HIDDEN, ContentStatus.PENDING]
    Post.objects.bulk_create(
        Post(
            community=community,
            author=authors[(c + i) % len(authors)],
            kind=Post.Kind.values[i % 3],
            title=f"Post {c}-{i}",
            body_source="text",
            body_text="text",
            status=statuses[i % len(statuses)],
            created_at=BASE + dt.timedelta(minutes=i * COMMUNITIES + c),
        )
        for c, community in enumerate(communities)
        for i in range(POSTS_PER_COMMUNITY)
    )
    me = UserFactory.create()
    for community in communities[:8]:
        MembershipFactory.create(user=me, community=community)
    for author in authors[:3]:
        follow(me, author)
    with connection.cursor() as cursor:
        for table in ("communities_post", "communities_community", "communities_membership", "accounts_follow"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return me


def _plan(sql: str, params: dict[str, Any]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("kind", "deep"),
    [(None, False), (None, True), (Post.Kind.QUESTION, False), (Post.Kind.ANNOUNCEMENT, True)],
)
def test_feed_query_uses_the_partial_indexes_and_never_scans_posts(dataset, kind, deep):
    assert Post.objects.count() == COMMUNITIES * POSTS_PER_COMMUNITY
    cursor = post_cursor(BASE + dt.timedelta(days=1), 10**9) if deep else None
    sql, params = feed_query(viewer=Viewer(dataset), kind=kind, cursor=cursor)

    plan = _plan(sql, params)

    # An index-only scan is the index scan at its best (id and created_at are in the index). With a
    # kind filter the per-kind index seeks straight to that kind's newest posts.
    index = "post_community_kind_recent" if kind else "post_community_recent"
    assert re.search(rf"Index (Only )?Scan using {index} on communities_post", plan), plan
    # Followed colleagues: an index or bitmap scan of post_author_recent, whichever is cheaper.
    assert re.search(r"Scan (Backward )?(using|on) post_author_recent", plan), plan
    assert "Seq Scan on communities_post" not in plan, plan
    assert "OFFSET" not in sql.upper()
