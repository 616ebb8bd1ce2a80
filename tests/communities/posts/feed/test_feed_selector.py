from __future__ import annotations

import datetime as dt

import pytest

from communities.models import Community, Post
from communities.posts.feed import POST_CURSOR_SALT, post_list_for_feed
from intranet.core.pagination import InvalidCursor, encode_cursor
from intranet.core.viewer import Viewer
from tests.communities.factories import CommunityFactory
from tests.communities.posts.feed.helpers import BASE, HIDDEN_STATES, follow, make_post, member_of
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries, pin_queries

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility


def _walk(user, *, page_size: int, kind: str | None = None) -> list[int]:
    ids: list[int] = []
    cursor = None
    for _ in range(100):
        page = post_list_for_feed(viewer=Viewer(user), kind=kind, cursor=cursor, page_size=page_size)
        assert len(page.items) <= page_size
        ids += [post.pk for post in page.items]
        if not page.has_next:
            return ids
        assert len(page.items) == page_size
        cursor = page.next_cursor
    raise AssertionError("the feed never ended")


def _expected(posts: list[Post]) -> list[int]:
    return [p.pk for p in sorted(posts, key=lambda p: (p.created_at, p.pk), reverse=True)]


def test_feed_holds_exactly_my_communities_and_followed_colleagues_where_i_may_read():
    me, colleague, stranger = UserFactory.create(), UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    public_mine = member_of(me)
    private_mine = member_of(me, visibility=Visibility.PRIVATE)
    secret_mine = member_of(me, visibility=Visibility.SECRET)
    private_other = CommunityFactory.create(visibility=Visibility.PRIVATE)
    secret_other = CommunityFactory.create(visibility=Visibility.SECRET)
    public_other = CommunityFactory.create()
    banned_public = member_of(me, state="banned")
    pending_private = member_of(me, visibility=Visibility.PRIVATE, state="pending")
    invited_secret = member_of(me, visibility=Visibility.SECRET, state="invited")

    expected = [
        make_post(public_mine, stranger),
        make_post(private_mine, stranger),
        make_post(secret_mine, stranger),
        make_post(public_mine, me),  # my own posts in my communities
        make_post(public_mine, colleague),  # followed and in my community: once only
        make_post(public_other, colleague),  # followed, public community I am not in
        make_post(private_mine, colleague),
    ]
    unexpected = [
        make_post(public_other, stranger),  # not followed, not my community
        make_post(private_other, colleague),  # followed, but a private community I am not in
        make_post(secret_other, colleague),
        make_post(banned_public, colleague),  # banned there
        make_post(banned_public, stranger),
        make_post(pending_private, colleague),  # a request is not a membership
        make_post(invited_secret, colleague),
        make_post(invited_secret, stranger),
    ]
    for fields in HIDDEN_STATES.values():
        unexpected.append(make_post(public_mine, stranger, **fields))
        unexpected.append(make_post(public_other, colleague, **fields))

    ids = _walk(me, page_size=3)

    assert ids == _expected(expected)
    assert not set(ids) & {p.pk for p in unexpected}


def test_coordinators_see_followed_colleagues_everywhere():
    coordinator, colleague = UserFactory.create(is_staff=True), UserFactory.create()
    follow(coordinator, colleague)
    secret = make_post(CommunityFactory.create(visibility=Visibility.SECRET), colleague)
    private = make_post(CommunityFactory.create(visibility=Visibility.PRIVATE), colleague)
    make_post(CommunityFactory.create(visibility=Visibility.PRIVATE))  # not followed, not a member

    assert _walk(coordinator, page_size=5) == _expected([secret, private])


def test_pages_have_no_duplicates_or_gaps_when_many_posts_share_a_timestamp():
    me, colleague = UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    first, second = member_of(me), member_of(me, visibility=Visibility.PRIVATE)
    elsewhere = CommunityFactory.create()
    same_time = BASE + dt.timedelta(days=1)
    posts = []
    for i in range(9):
        posts.append(make_post(first, created_at=same_time))
        posts.append(make_post(second, created_at=same_time if i % 2 else BASE + dt.timedelta(hours=i)))
        posts.append(make_post(elsewhere, colleague, created_at=same_time))
        posts.append(make_post(first, colleague, created_at=same_time))  # in both branches

    for page_size in (1, 4, 7, 36, 50):
        ids = _walk(me, page_size=page_size)
        assert ids == _expected(posts), page_size
        assert len(ids) == len(set(ids)) == 36


def test_newest_first_across_communities():
    me = UserFactory.create()
    a, b = member_of(me), member_of(me)
    old = make_post(a, created_at=BASE - dt.timedelta(days=3))
    new = make_post(b, created_at=BASE + dt.timedelta(days=3))
    middle = make_post(a, created_at=BASE)

    page = post_list_for_feed(viewer=Viewer(me))

    assert [p.pk for p in page.items] == [new.pk, middle.pk, old.pk]
    assert not page.has_next


@pytest.mark.parametrize("kind", list(Post.Kind.values))
def test_kind_filter(kind):
    me, colleague = UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    mine = member_of(me)
    other = CommunityFactory.create()
    posts = [
        make_post(community, author, kind=k)
        for _ in range(2)
        for k in Post.Kind.values
        for community, author in ((mine, None), (other, colleague))
    ]
    posts += [make_post(mine, kind=k) for k in Post.Kind.values]

    ids = _walk(me, page_size=2, kind=kind)

    assert ids == _expected([p for p in posts if p.kind == kind])
    assert _walk(me, page_size=50) == _expected(posts)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        post_list_for_feed(viewer=Viewer(UserFactory.create()), kind="poll")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        encode_cursor(["x", 1], salt=POST_CURSOR_SALT),
        encode_cursor([dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "1"], salt=POST_CURSOR_SALT),  # id is no number
        encode_cursor([dt.datetime(2026, 1, 1), 1], salt=POST_CURSOR_SALT),  # naive date
        encode_cursor([dt.datetime(2026, 1, 1, tzinfo=dt.UTC)], salt=POST_CURSOR_SALT),  # too short
        encode_cursor([dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 1], salt="another.list"),  # another list's
    ],
    # Signed cursors carry a timestamp: fixed ids, so every xdist worker collects the same tests.
    ids=["garbage", "text date", "text id", "naive date", "too short", "another list"],
)
def test_foreign_cursors_are_refused(cursor):
    with pytest.raises(InvalidCursor):
        post_list_for_feed(viewer=Viewer(UserFactory.create()), cursor=cursor)


def test_signed_out_viewer_gets_nothing_for_free():
    from django.contrib.auth.models import AnonymousUser

    with pin_queries(0):
        assert not post_list_for_feed(viewer=Viewer(AnonymousUser())).items


def test_hydrated_posts_carry_author_profile_community_and_tags():
    me = UserFactory.create()
    post = make_post(member_of(me), tags=["ev", "akku"])

    page = post_list_for_feed(viewer=Viewer(me))
    with pin_queries(0):
        item = page.items[0]
        assert item.pk == post.pk
        assert item.author.profile is not None
        assert item.community.name
        assert item.tag_names == ["akku", "ev"]


# role map, community permissions, the id query, the posts with author/profile/community, tags
FEED_QUERIES = 4


def test_feed_query_count_is_the_same_for_1_and_10_communities():
    me, colleague = UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    make_post(CommunityFactory.create(), colleague)

    def add_communities(n: int) -> None:
        for _ in range(n):
            make_post(member_of(me), tags=["tag"])

    assert_constant_queries(
        add_rows=add_communities,
        action=lambda: post_list_for_feed(viewer=Viewer(me)),
        small=1,
        large=10,
        expected=FEED_QUERIES,
    )


def test_feed_query_count_is_the_same_for_1_and_30_posts():
    me, colleague = UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    mine, other = member_of(me), CommunityFactory.create()

    def add_posts(n: int) -> None:
        for i in range(n):
            make_post(mine if i % 2 else other, None if i % 2 else colleague, tags=[f"t{i % 3}"])

    assert_constant_queries(
        add_rows=add_posts,
        action=lambda: post_list_for_feed(viewer=Viewer(me)),
        small=1,
        large=30,
        expected=FEED_QUERIES,
    )


def test_staff_pay_the_same_queries_as_everyone():
    """The model permissions ride on the role map's query: nobody pays a permission query."""
    staff = UserFactory.create(is_staff=True)
    make_post(member_of(staff))

    with pin_queries(FEED_QUERIES):
        post_list_for_feed(viewer=Viewer(staff))
