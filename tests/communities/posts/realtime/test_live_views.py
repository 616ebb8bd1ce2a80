"""The fragments behind live updates: the "N new posts" bar of the community page and the home feed,
the new cards, and the new comments of an open post page. Same permission rules as the pages;
pinned query counts that do not grow with the data."""

from __future__ import annotations

import re
from itertools import count

import pytest
from django.urls import reverse

from communities.core import services
from communities.models import Community, Post
from communities.posts import services as post_services
from communities.posts.live import NEWER_LIMIT
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility
_numbers = count()

# The user (the session is cached), the viewer's permission and role maps, the community; then the
# id query.
COMMUNITY_BAR_QUERIES = 4
# ... or the cards: posts with authors, their tags, the viewer's reactions on them.
COMMUNITY_CARDS_QUERIES = 6
# The user, role map, model permissions (the feed asks whether the viewer coordinates), the ids.
FEED_BAR_QUERIES = 3
# ... then the posts with authors and communities, and their tags.
FEED_CARDS_QUERIES = 5
# Session and user, the post with its community, role map, the comments, the viewer's reactions.
COMMENTS_QUERIES = 5


def _since(html: str) -> str:
    match = re.search(r'id="live-new-posts"[^>]*hx-get="([^"]+)"', html)
    assert match is not None, "no live bar"
    return match.group(1).replace("&amp;", "&")


def _post_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-post="(\d+)"', html)]


def _write(author, community: Community, n: int = 1, **fields) -> list[Post]:
    return [
        post_services.post_create(
            actor=author, community=community, title=f"Post {next(_numbers)}", body="Text", **fields
        )
        for _ in range(n)
    ]


@pytest.fixture
def crew():
    owner, member = UserFactory.create(), UserFactory.create()
    community = services.community_create(actor=owner, name="Night Shift", visibility=Visibility.PRIVATE)
    services.membership_invite(actor=owner, community=community, user=member)
    services.membership_accept_invitation(actor=member, community=community)
    return owner, community, member


# The community page's bar ------------------------------------------------------------------------


def test_community_page_carries_the_bar_listening_to_its_topic(client, crew):
    owner, community, member = crew
    _write(owner, community, 2)
    client.force_login(member)

    html = client.get(reverse("communities:community_detail", kwargs={"slug": community.slug})).content.decode()

    assert f'data-live-topic="community.{community.pk}"' in html
    assert 'hx-trigger="live:post-created from:body delay:300ms, live:reconnected from:body"' in html
    assert 'id="live-strings"' in html
    assert 'data-live-socket="/ws/"' in html


def test_bar_counts_new_posts_and_show_inserts_them_with_a_fresh_bar(client, crew):
    owner, community, member = crew
    _write(owner, community, 2)
    client.force_login(member)
    page = client.get(reverse("communities:community_detail", kwargs={"slug": community.slug})).content.decode()
    bar_url = _since(page)
    assert "list=1" in bar_url

    empty = client.get(bar_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="live-new-posts"' in empty and "live-new-posts-show" not in empty

    fresh = _write(owner, community, 3)
    bar = client.get(bar_url, headers={"HX-Request": "true", "Accept-Language": "en"}).content.decode()
    assert "3 new posts — show" in bar
    assert f'hx-get="{bar_url.replace("&", "&amp;")}&amp;show=1"' in bar

    shown = client.get(f"{bar_url}&show=1", headers={"HX-Request": "true"}).content.decode()
    assert _post_ids(shown) == [p.pk for p in reversed(fresh)]
    assert shown.count("<li>") == 3
    assert 'hx-swap-oob="true"' in shown
    # The fresh bar counts from the newest card now shown.
    assert client.get(_since(shown), headers={"HX-Request": "true"}).content.decode().count("live-new-posts-show") == 0


def test_bar_offers_a_reload_beyond_the_limit_or_without_a_list(client, crew):
    owner, community, member = crew
    client.force_login(member)
    page = client.get(reverse("communities:community_detail", kwargs={"slug": community.slug})).content.decode()
    bar_url = _since(page)
    assert "list=0" in bar_url  # no posts yet: nothing to insert into

    _write(owner, community, 1)
    bar = client.get(bar_url, headers={"Accept-Language": "en"}).content.decode()
    assert re.search(r'<a class="[^"]*" href="/communities/night-shift/" id="live-new-posts-show">', bar)

    _write(owner, community, NEWER_LIMIT)
    bar = client.get(bar_url, headers={"Accept-Language": "en"}).content.decode()
    assert f"More than {NEWER_LIMIT} new posts — show" in bar
    assert 'href="/communities/night-shift/" id="live-new-posts-show"' in bar


def test_bar_follows_the_kind_filter_and_ignores_pinned_hidden_and_deleted_posts(client, crew):
    owner, community, member = crew
    _write(owner, community, 1, kind=Post.Kind.QUESTION)
    client.force_login(member)
    page = client.get(
        reverse("communities:community_detail", kwargs={"slug": community.slug}) + "?kind=question"
    ).content.decode()
    bar_url = _since(page)
    assert "kind=question" in bar_url

    _write(owner, community, 2)  # discussions
    question = _write(owner, community, 1, kind=Post.Kind.QUESTION)[0]
    gone = _write(owner, community, 1, kind=Post.Kind.QUESTION)[0]
    post_services.post_delete(actor=owner, post=gone)

    shown = client.get(f"{bar_url}&show=1").content.decode()
    assert _post_ids(shown) == [question.pk]


def test_bar_of_a_private_community_is_missing_for_outsiders(client, crew):
    _owner, community, _member = crew
    client.force_login(UserFactory.create())

    url = reverse("communities:post_stream_newer", kwargs={"slug": community.slug})
    assert client.get(url).status_code == 404
    assert client.get(reverse("communities:post_stream_newer", kwargs={"slug": "no-such"})).status_code == 404


def test_bad_since_is_a_bad_request(client, crew):
    _owner, community, member = crew
    client.force_login(member)

    url = reverse("communities:post_stream_newer", kwargs={"slug": community.slug})
    assert client.get(f"{url}?since=garbage").status_code == 400
    assert client.get(f"{reverse('communities:feed_newer')}?since=eyJ4IjoxfQ").status_code == 400


def test_anonymous_are_sent_to_the_login(client, crew):
    _owner, community, _member = crew
    for url in (
        reverse("communities:post_stream_newer", kwargs={"slug": community.slug}),
        reverse("communities:feed_newer"),
        reverse("communities:comment_list_newer", kwargs={"pk": 1}),
    ):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("show", [False, True])
def test_community_bar_queries_are_pinned_and_constant(client, crew, show):
    owner, community, member = crew
    client.force_login(member)
    page = client.get(reverse("communities:community_detail", kwargs={"slug": community.slug})).content.decode()
    url = _since(page) + ("&show=1" if show else "")

    def add_rows(n: int) -> None:
        for post in _write(owner, community, n):
            post.tags.add(f"tag-{post.pk}")
            post_services.reaction_toggle(actor=member, kind="like", post=post)

    assert_constant_queries(
        add_rows=add_rows,
        action=lambda: client.get(url),
        expected=COMMUNITY_CARDS_QUERIES if show else COMMUNITY_BAR_QUERIES,
    )


# The home feed's bar ----------------------------------------------------------------------------


def test_feed_bar_counts_posts_of_my_communities_only(client, crew):
    owner, community, member = crew
    elsewhere = services.community_create(actor=owner, name="Elsewhere", visibility=Visibility.PRIVATE)
    _write(owner, community, 1)
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert 'data-live-topic="feed"' in page
    bar_url = _since(page)

    _write(owner, elsewhere, 2)
    mine = _write(owner, community, 2)

    bar = client.get(bar_url, headers={"Accept-Language": "en"}).content.decode()
    assert "2 new posts — show" in bar
    shown = client.get(f"{bar_url}&show=1").content.decode()
    assert _post_ids(shown) == [p.pk for p in reversed(mine)]
    assert "<li>" not in shown  # feed cards are not list items
    assert "Night Shift" in shown  # feed cards name their community


def test_feed_bar_on_an_empty_feed_offers_a_reload(client, crew):
    owner, community, member = crew
    client.force_login(member)
    bar_url = _since(client.get(reverse("home")).content.decode())
    assert "list=0" in bar_url

    _write(owner, community, 1)

    bar = client.get(f"{bar_url}&show=1", headers={"Accept-Language": "en"}).content.decode()
    assert 'href="/" id="live-new-posts-show"' in bar
    assert "1 new post — show" in bar


@pytest.mark.parametrize("show", [False, True])
def test_feed_bar_queries_are_pinned_and_constant(client, crew, show):
    owner, community, member = crew
    _write(owner, community, 1)
    client.force_login(member)
    url = _since(client.get(reverse("home")).content.decode()) + ("&show=1" if show else "")

    def add_rows(n: int) -> None:
        for post in _write(owner, community, n):
            post.tags.add(f"tag-{post.pk}")

    assert_constant_queries(
        add_rows=add_rows, action=lambda: client.get(url), expected=FEED_CARDS_QUERIES if show else FEED_BAR_QUERIES
    )


# New comments on an open post page ---------------------------------------------------------------


def _listener(html: str) -> str:
    match = re.search(r'id="live-comments"[^>]*hx-get="([^"]+)"', html)
    assert match is not None, "no live comment listener"
    return match.group(1).replace("&amp;", "&")


def test_post_page_listens_for_comments_newer_than_the_last_shown(client, crew):
    owner, community, member = crew
    post = _write(owner, community, 1)[0]
    first = post_services.comment_create(actor=owner, post=post, body="First")
    reply = post_services.comment_create(actor=member, post=post, body="Reply", parent=first)
    client.force_login(member)

    html = client.get(post.get_absolute_url()).content.decode()

    assert _listener(html) == reverse("communities:comment_list_newer", kwargs={"pk": post.pk}) + f"?after={reply.pk}"
    assert f'data-live-topic="post.{post.pk}"' in html
    assert f'data-live-comments="{post.pk}"' in html
    assert f'id="replies-{first.pk}"' in html


def test_new_comments_come_as_out_of_band_fragments(client, crew):
    owner, community, member = crew
    post = _write(owner, community, 1)[0]
    first = post_services.comment_create(actor=owner, post=post, body="First")
    client.force_login(member)
    url = _listener(client.get(post.get_absolute_url()).content.decode())

    second = post_services.comment_create(actor=owner, post=post, body="Second **thought**")
    reply_old = post_services.comment_create(actor=owner, post=post, body="Reply to first", parent=first)
    reply_new = post_services.comment_create(actor=member, post=post, body="Reply to second", parent=second)

    html = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert html.count('hx-swap-oob="beforeend:#comment-list"') == 1
    assert f'hx-swap-oob="beforeend:#replies-{first.pk}"' in html
    assert f'id="comment-{second.pk}"' in html and f'id="comment-{reply_new.pk}"' in html
    assert html.index(f'id="comment-{second.pk}"') < html.index(f'id="comment-{reply_new.pk}"')
    assert f'id="comment-{reply_old.pk}"' in html
    assert "<strong>thought</strong>" in html
    # The listener moves on to the newest comment.
    assert f'?after={reply_new.pk}"' in html and 'id="live-comments"' in html


def test_new_comments_of_a_hidden_post_are_missing(client, crew):
    owner, community, _member = crew
    post = _write(owner, community, 1)[0]
    client.force_login(UserFactory.create())

    assert client.get(reverse("communities:comment_list_newer", kwargs={"pk": post.pk})).status_code == 404
    assert client.get(reverse("communities:comment_list_newer", kwargs={"pk": 999999})).status_code == 404


def test_bad_after_is_a_bad_request(client, crew):
    owner, community, member = crew
    post = _write(owner, community, 1)[0]
    client.force_login(member)

    assert (
        client.get(reverse("communities:comment_list_newer", kwargs={"pk": post.pk}) + "?after=-1").status_code == 400
    )


def test_new_comment_queries_are_pinned_and_constant(client, crew):
    owner, community, member = crew
    post = _write(owner, community, 1)[0]
    client.force_login(member)
    url = reverse("communities:comment_list_newer", kwargs={"pk": post.pk}) + "?after=0"

    def add_rows(n: int) -> None:
        for _ in range(n):
            comment = post_services.comment_create(actor=owner, post=post, body="Hello")
            post_services.comment_create(actor=owner, post=post, body="Re", parent=comment)
            post_services.reaction_toggle(actor=member, kind="like", comment=comment)

    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(url), expected=COMMENTS_QUERIES)


def test_long_threads_have_no_listener_but_keep_the_topic(client, crew):
    owner, community, member = crew
    post = _write(owner, community, 1)[0]
    from communities.posts import selectors as selectors_posts

    for _ in range(selectors_posts.COMMENT_PAGE_SIZE + 1):
        post_services.comment_create(actor=owner, post=post, body="Hi")
    client.force_login(member)

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'id="live-comments"' not in html
    assert f'data-live-topic="post.{post.pk}"' in html
