"""Every list and read of the API costs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import pytest

from communities.models import Comment, Community
from tests.communities.factories import CommunityFactory, MembershipFactory, add_person, write_post
from tests.factories import UserFactory
from tests.integrations.api.conftest import api_as
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _ok(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content


def test_directory_is_constant(user) -> None:
    api = api_as(user)

    def add(n: int) -> None:
        for _ in range(n):
            MembershipFactory.create(user=user, community=CommunityFactory.create())

    assert_constant_queries(add_rows=add, action=lambda: _ok(api.get("/communities")), expected=QUERIES["directory"])


def test_post_stream_is_constant(user) -> None:
    community = CommunityFactory.create()
    MembershipFactory.create(user=user, community=community)
    api = api_as(user)

    def add(n: int) -> None:
        for _ in range(n):
            write_post(add_person(community), community, tags=["api"])

    assert_constant_queries(
        add_rows=add, action=lambda: _ok(api.get(f"/communities/{community.slug}/posts")), expected=QUERIES["stream"]
    )


def test_comment_list_is_constant(user) -> None:
    community = CommunityFactory.create(visibility=Community.Visibility.PRIVATE)
    MembershipFactory.create(user=user, community=community)
    post = write_post(user, community)
    api = api_as(user)

    def add(n: int) -> None:
        for _ in range(n):
            top = Comment.objects.create(post=post, author=UserFactory.create(), body_source="c")
            Comment.objects.create(post=post, parent=top, author=UserFactory.create(), body_source="r")

    assert_constant_queries(
        add_rows=add, action=lambda: _ok(api.get(f"/posts/{post.pk}/comments")), expected=QUERIES["comments"]
    )


def test_post_detail_is_constant(user) -> None:
    community = CommunityFactory.create()
    MembershipFactory.create(user=user, community=community)
    post = write_post(user, community, tags=["a", "b"])
    api = api_as(user)

    def add(n: int) -> None:
        for _ in range(n):
            Comment.objects.create(post=post, author=UserFactory.create(), body_source="c")

    assert_constant_queries(add_rows=add, action=lambda: _ok(api.get(f"/posts/{post.pk}")), expected=QUERIES["post"])


#: Pinned counts, each including the token look-up (one query, the person joined).
QUERIES = {"directory": 3, "stream": 7, "comments": 7, "post": 5}
