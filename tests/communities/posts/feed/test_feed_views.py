from __future__ import annotations

import datetime as dt
import re

import pytest

from communities.models import Community, Post
from tests.communities.factories import CommunityFactory
from tests.communities.posts.feed.helpers import BASE, follow, make_post, member_of
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries


def _hx_url(html: str) -> str:
    # The "older posts" link (the header badges and the live bar have hx-get URLs of their own).
    match = re.search(r'id="feed-more">\s*<a href="[^"]+" class="[^"]+" hx-get="([^"]+)"', html)
    assert match is not None, "no link to more results"
    return match.group(1).replace("&amp;", "&")


pytestmark = pytest.mark.django_db


def _post_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-post="(\d+)"', html)]


def test_home_is_the_feed_and_requires_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_feed_page_lists_posts_newest_first_with_an_older_link(client, settings):
    me = UserFactory.create()
    mine = member_of(me)
    posts = [make_post(mine, title=f"Entry {i}") for i in range(23)]
    client.force_login(me)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert _post_ids(html) == [p.pk for p in reversed(posts)][:20]
    assert 'id="personal-feed"' in html
    older = re.search(r'<a href="([^"]+)" class="btn btn-outline-primary" hx-get="([^"]+)"', html)
    assert older is not None and older.group(1) == older.group(2)
    next_url = older.group(1).replace("&amp;", "&")

    more = client.get(next_url, HTTP_HX_REQUEST="true")

    assert more.status_code == 200
    fragment = more.content.decode()
    assert "<html" not in fragment  # appended in place of the link, not a whole page
    assert _post_ids(fragment) == [p.pk for p in reversed(posts)][20:]
    assert 'id="feed-more"' not in fragment  # nothing older


def test_older_link_without_htmx_renders_the_whole_page(client):
    me = UserFactory.create()
    mine = member_of(me)
    posts = [make_post(mine) for _ in range(21)]
    client.force_login(me)
    first = client.get("/")
    next_url = _hx_url(first.content.decode())

    response = client.get(next_url)

    assert "<html" in response.content.decode()
    assert _post_ids(response.content.decode()) == [posts[0].pk]


def test_kind_filter_links_and_filtering(client):
    me = UserFactory.create()
    mine = member_of(me)
    question = make_post(mine, kind=Post.Kind.QUESTION, title="A question")
    make_post(mine, kind=Post.Kind.DISCUSSION, title="A discussion")
    client.force_login(me)

    html = client.get("/?kind=question", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert _post_ids(html) == [question.pk]
    assert re.search(r'href="/\?kind=question"[^>]*data-kind="question" aria-current="page"', html)
    assert 'href="/" data-kind="all"' in html


def test_unknown_kind_and_foreign_cursor_fall_back_to_the_first_page(client):
    me = UserFactory.create()
    post = make_post(member_of(me))
    client.force_login(me)

    response = client.get("/?kind=poll")
    assert response.status_code == 200
    assert _post_ids(response.content.decode()) == [post.pk]
    for url in ("/?cursor=not-a-cursor", "/?cursor=eyJ4IjoxfQ"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "out of date or incomplete" in response.content.decode()


def test_private_posts_of_others_never_reach_the_page(client):
    me, colleague = UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    member_of(me)
    secret = make_post(
        CommunityFactory.create(visibility=Community.Visibility.SECRET), colleague, title="Top secret plan"
    )
    client.force_login(me)

    html = client.get("/").content.decode()

    assert secret.title not in html


def test_empty_state_points_to_the_directory(client):
    client.force_login(UserFactory.create())

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="feed-empty"' in html
    assert "Find communities" in html
    assert 'href="/communities/"' in html


def test_members_without_posts_get_another_empty_state(client):
    me = UserFactory.create()
    member_of(me)
    client.force_login(me)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="feed-empty"' in html
    assert "Find communities" not in html


def test_card_links_title_community_and_author(client):
    me = UserFactory.create()
    community = member_of(me)
    author = UserFactory.create(display_name="Bea Author")
    post = make_post(community, author, title="Hello feed", tags=["ev"])
    client.force_login(me)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Hello feed" in html
    assert "Bea Author" in html
    assert f'href="/people/{author.handle}/"' in html
    assert community.name in html
    assert ">ev</span>" in html
    assert f'href="{post.get_absolute_url()}"' in html
    assert f'href="/communities/{community.slug}/"' in html


# user, role map, community permissions, feed ids, posts, tags, CMS sections, news (no news here, so
# no Wagtail site lookup for their URLs: see test_feed_page_query_count_with_news)
FEED_PAGE_QUERIES = 7


def test_feed_page_query_count_does_not_grow_with_communities(client):
    me, colleague = UserFactory.create(), UserFactory.create()
    follow(me, colleague)
    make_post(CommunityFactory.create(), colleague)
    client.force_login(me)

    def add(n: int) -> None:
        for _ in range(n):
            make_post(member_of(me), UserFactory.create(), tags=["x"])

    assert_constant_queries(add_rows=add, action=lambda: client.get("/"), small=1, large=10, expected=FEED_PAGE_QUERIES)


def test_feed_page_query_count_does_not_grow_with_posts(client):
    me = UserFactory.create()
    mine = member_of(me)
    client.force_login(me)

    def add(n: int) -> None:
        for i in range(n):
            make_post(mine, created_at=BASE + dt.timedelta(seconds=i), tags=[f"t{i % 4}"])

    assert_constant_queries(add_rows=add, action=lambda: client.get("/"), small=1, large=30, expected=FEED_PAGE_QUERIES)


def test_older_fragment_query_count(client):
    me = UserFactory.create()
    mine = member_of(me)
    for _ in range(45):
        make_post(mine)
    client.force_login(me)
    first = client.get("/")
    next_url = _hx_url(first.content.decode())

    # user, role map, community permissions, feed ids, posts, tags: no news, no sections
    assert_constant_queries(
        add_rows=lambda n: [make_post(mine, created_at=BASE - dt.timedelta(days=1)) for _ in range(n)],
        action=lambda: client.get(next_url, HTTP_HX_REQUEST="true"),
        small=1,
        large=6,
        expected=5,
    )


def test_feed_page_query_count_with_news(client):
    from intranet.cms.demo import ensure_page_tree
    from tests.cms.pages import add_news

    tree = ensure_page_tree()
    me = UserFactory.create()
    mine = member_of(me)
    client.force_login(me)

    def add(n: int) -> None:
        for _ in range(n):
            make_post(mine, tags=["x"])
            add_news(tree.news_index)

    # ... plus Wagtail's site lookup for the news URLs
    assert_constant_queries(add_rows=add, action=lambda: client.get("/"), small=1, large=6, expected=8)
