"""The post rulebook as tables: viewer kind x action x visibility, and the parity of
``can_view_post`` with ``visible_posts`` for every viewer kind, visibility and post state.

Y = allowed, . = denied. The post is a question written by "author", an active member. As in the
community rulebook, coordinators who are not members moderate private and secret communities but
do not take part in their conversations (comment, react).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from communities.models import Community, ContentStatus, Membership, Post
from communities.posts import permissions as pp
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility
KINDS = [*VIEWER_KINDS, "author"]
ACTIONS: dict[str, Callable[[Viewer, Post], bool]] = {
    "view": pp.can_view_post,
    "edit": pp.can_edit_post,
    "delete": pp.can_delete_post,
    "pin": pp.can_pin_post,
    "lock": pp.can_lock_post,
    "comment": pp.can_comment_on_post,
    "react": pp.can_react,
    "accept": pp.can_accept_answer,
}

_CLOSED = """
                   view edit delete pin lock comment react accept
    anonymous       .    .     .     .    .      .      .     .
    employee        .    .     .     .    .      .      .     .
    member          Y    .     .     .    .      Y      Y     .
    moderator       Y    Y     Y     Y    Y      Y      Y     .
    manager         Y    Y     Y     Y    Y      Y      Y     Y
    owner           Y    Y     Y     Y    Y      Y      Y     Y
    other_manager   .    .     .     .    .      .      .     .
    coordinator     Y    Y     Y     Y    Y      .      .     Y
    scoped_in       Y    Y     Y     Y    Y      .      .     Y
    scoped_out      .    .     .     .    .      .      .     .
    banned          .    .     .     .    .      .      .     .
    pending         .    .     .     .    .      .      .     .
    invited         .    .     .     .    .      .      .     .
    author          Y    Y     Y     .    .      Y      Y     Y
"""

EXPECTED = {
    Visibility.PUBLIC: """
                   view edit delete pin lock comment react accept
    anonymous       .    .     .     .    .      .      .     .
    employee        Y    .     .     .    .      Y      Y     .
    member          Y    .     .     .    .      Y      Y     .
    moderator       Y    Y     Y     Y    Y      Y      Y     .
    manager         Y    Y     Y     Y    Y      Y      Y     Y
    owner           Y    Y     Y     Y    Y      Y      Y     Y
    other_manager   Y    .     .     .    .      Y      Y     .
    coordinator     Y    Y     Y     Y    Y      Y      Y     Y
    scoped_in       Y    Y     Y     Y    Y      Y      Y     Y
    scoped_out      Y    .     .     .    .      Y      Y     .
    banned          .    .     .     .    .      .      .     .
    pending         Y    .     .     .    .      Y      Y     .
    invited         Y    .     .     .    .      Y      Y     .
    author          Y    Y     Y     .    .      Y      Y     Y
""",
    Visibility.PRIVATE: _CLOSED,
    Visibility.SECRET: _CLOSED,
}


def _parse(table: str) -> dict[tuple[str, str], bool]:
    lines = [line.split() for line in table.strip().splitlines()]
    header = lines[0]
    return {(row[0], action): cell == "Y" for row in lines[1:] for action, cell in zip(header, row[1:], strict=True)}


def _viewer(kind: str, community: Community, author) -> Viewer:
    return Viewer(author) if kind == "author" else make_viewer(kind, community)


def _question(community: Community, author, **fields) -> Post:
    return Post.objects.create(
        community=community, author=author, kind=Post.Kind.QUESTION, title="Q", body_source="q", **fields
    )


@pytest.mark.parametrize("visibility", list(EXPECTED))
def test_post_matrix(visibility):
    community = CommunityFactory.create(visibility=visibility)
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    post = Post.objects.select_related("community").get(pk=_question(community, author).pk)
    actual = {}
    for kind in KINDS:
        viewer = _viewer(kind, community, author)
        for action, predicate in ACTIONS.items():
            actual[(kind, action)] = predicate(viewer, post)
    expected = _parse(EXPECTED[visibility])
    assert {kind for kind, _action in expected} == set(KINDS)
    wrong = sorted(key for key in expected if expected[key] != actual[key])
    assert not wrong, f"{visibility}: differs at {wrong}"


def test_state_rules():
    community = CommunityFactory.create()
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    moderator = make_viewer("moderator", community)
    reader = make_viewer("employee", community)
    own = Viewer(author)
    for status in (ContentStatus.HIDDEN, ContentStatus.PENDING):
        post = _question(community, author, status=status)
        assert [pp.can_view_post(v, post) for v in (reader, own, moderator)] == [False, True, True]
        assert not pp.can_comment_on_post(moderator, post) and not pp.can_react(own, post)
    deleted = _question(community, author, deleted_at=timezone.now())
    assert [pp.can_view_post(v, deleted) for v in (reader, own, moderator)] == [False, False, True]
    assert not pp.can_edit_post(moderator, deleted) and not pp.can_delete_post(moderator, deleted)
    locked = _question(community, author, is_locked=True)
    assert [pp.can_comment_on_post(v, locked) for v in (reader, own, moderator)] == [False, False, True]
    assert pp.can_react(reader, locked)
    discussion = Post.objects.create(community=community, author=author, title="D", body_source="d")
    assert not pp.can_accept_answer(own, discussion)


def test_archived_community_is_read_only_except_take_down():
    community = CommunityFactory.create(lifecycle=Community.Lifecycle.ARCHIVED, archived_at=timezone.now())
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    post = _question(community, author)
    own, moderator = Viewer(author), make_viewer("moderator", community)
    assert pp.can_view_post(own, post)
    assert not any(f(own, post) for f in (pp.can_edit_post, pp.can_delete_post, pp.can_comment_on_post, pp.can_react))
    assert pp.can_delete_post(moderator, post) and pp.can_lock_post(moderator, post)
    assert not pp.can_pin_post(moderator, post) and not pp.can_edit_post(moderator, post)


@pytest.mark.parametrize("visibility", list(EXPECTED))
def test_visible_posts_agrees_with_can_view_post(visibility):
    community = CommunityFactory.create(visibility=visibility)
    elsewhere = CommunityFactory.create(visibility=visibility)
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    posts = [
        _question(c, author, **state)
        for c in (community, elsewhere)
        for state in (
            {},
            {"status": ContentStatus.HIDDEN},
            {"status": ContentStatus.PENDING},
            {"deleted_at": timezone.now()},
            {"status": ContentStatus.HIDDEN, "deleted_at": timezone.now()},
        )
    ]
    posts = list(Post.objects.select_related("community").filter(pk__in=[p.pk for p in posts]))
    for kind in KINDS:
        viewer = _viewer(kind, community, author)
        by_predicate = {p.pk for p in posts if pp.can_view_post(viewer, p)}
        by_queryset = set(pp.visible_posts(viewer, Post.objects.all()).values_list("pk", flat=True))
        assert by_predicate == by_queryset, f"{visibility}/{kind}"


def test_predicates_are_query_free_once_the_role_map_is_loaded():
    community = CommunityFactory.create(visibility=Visibility.PRIVATE)
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community, role=Membership.Role.MODERATOR)
    post = Post.objects.select_related("community").get(pk=_question(community, author).pk)
    viewer = Viewer(author)
    pp.can_view_post(viewer, post)  # loads the role map and the permission codenames
    with pin_queries(0):
        for _ in range(20):
            for predicate in ACTIONS.values():
                predicate(viewer, post)


def test_readers_of_community_matches_can_read():
    from communities.core.permissions import can_read_community_content, readers_of_community
    from intranet.accounts.models import User

    for visibility in Visibility.values:
        community = CommunityFactory.create(visibility=visibility)
        for kind in VIEWER_KINDS:
            make_viewer(kind, community)
        readers = set(readers_of_community(community).values_list("pk", flat=True))
        expected = {u.pk for u in User.objects.all() if can_read_community_content(Viewer(u), community)}
        assert readers == expected, visibility
