"""Long threads on the post page: the first replies of each thread, "N more replies" loading the
rest over htmx, and the page's query count pinned and constant however many replies there are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.moderation import services as mod
from communities.posts import services as post_services
from communities.posts.selectors import REPLY_PREVIEW
from tests.communities.moderation.conftest import add_person
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _thread(post, author, replier, replies: int):
    top = post_services.comment_create(actor=author, post=post, body="Top")
    made = [
        post_services.comment_create(actor=replier, post=post, body=f"Reply {n}", parent=top) for n in range(replies)
    ]
    return top, made


def test_post_page_shows_the_first_replies_and_links_the_rest(client, community, member, post):
    replier = add_person(community)
    top, replies = _thread(post, member, replier, REPLY_PREVIEW + 4)
    client.force_login(add_person(community))
    html = client.get(post.get_absolute_url()).content.decode()
    assert all(f'id="comment-{r.pk}"' in html for r in replies[:REPLY_PREVIEW])
    assert all(f'id="comment-{r.pk}"' not in html for r in replies[REPLY_PREVIEW:])
    assert f'id="more-replies-{top.pk}"' in html and "4 more replies" in html
    rest_url = f"{reverse('communities:comment_replies', kwargs={'pk': top.pk})}?upto={replies[-1].pk}"
    fragment = client.get(rest_url, **HTMX).content.decode()
    assert [f'id="comment-{r.pk}"' in fragment for r in replies] == [False] * REPLY_PREVIEW + [True] * 4
    assert "<html" not in fragment


def test_short_threads_have_no_link_and_hidden_replies_do_not_count(client, community, member, moderator, post):
    replier = add_person(community)
    top, replies = _thread(post, member, replier, REPLY_PREVIEW + 1)
    mod.comment_hide(actor=moderator, comment=replies[0], reason="rude")
    client.force_login(add_person(community))
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'id="more-replies-{top.pk}"' not in html
    assert all(f'id="comment-{r.pk}"' in html for r in replies[1:])
    client.force_login(moderator)  # moderators see the hidden one too, so one is behind the link
    assert "1 more reply" in client.get(post.get_absolute_url()).content.decode()


def test_replies_endpoint_is_404_like_missing(client, community, member, post, owner):
    top, replies = _thread(post, member, add_person(community), 5)
    url = f"{reverse('communities:comment_replies', kwargs={'pk': top.pk})}?upto={replies[-1].pk}"
    client.force_login(add_person(community))
    mod.post_hide(actor=owner, post=post, reason="spam")
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("communities:comment_replies", kwargs={"pk": replies[0].pk}) + "?upto=1").status_code == 404
    )
    assert client.get(reverse("communities:comment_replies", kwargs={"pk": top.pk}) + "?upto=x").status_code == 404


def test_post_page_query_count_is_constant_in_replies_per_thread(client, community, member, post):
    replier = add_person(community)
    tops = [post_services.comment_create(actor=member, post=post, body=f"Thread {n}") for n in range(3)]
    client.force_login(add_person(community))

    def add(n: int) -> None:
        for top in tops:
            for _ in range(n):
                post_services.comment_create(actor=replier, post=post, body="More", parent=top)

    count = assert_constant_queries(add_rows=add, action=lambda: client.get(post.get_absolute_url()), small=1, large=8)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count('class="ms-4 ms-md-5 border-start') == 3 * REPLY_PREVIEW
    assert count > 0


def test_replies_endpoint_query_count(client, community, member, post):
    replier = add_person(community)
    top = post_services.comment_create(actor=member, post=post, body="Top")
    client.force_login(add_person(community))
    url = reverse("communities:comment_replies", kwargs={"pk": top.pk})

    def add(n: int) -> None:
        for _ in range(n):
            post_services.comment_create(actor=replier, post=post, body="More", parent=top)

    # user, comment with post and community, role map, model permissions, replies with people, own reactions
    assert_constant_queries(
        add_rows=add,
        action=lambda: client.get(f"{url}?upto=999999999", **HTMX),
        small=REPLY_PREVIEW + 1,
        large=12,
        expected=5,
    )
