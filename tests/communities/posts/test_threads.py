"""Answering on a post page: the accepted answer shown once, and replies sent in place (htmx)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.models import Comment
from communities.moderation import services as mod
from communities.posts import services as post_services
from tests.communities.moderation.conftest import add_person
from tests.communities.posts.conftest import write_post
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _create_url(post) -> str:
    return reverse("communities:comment_create", kwargs={"pk": post.pk})


def test_the_accepted_answer_is_shown_once(client, community, member):
    question = write_post(member, community, kind="question")
    answerer = add_person(community)
    post_services.comment_create(actor=answerer, post=question, body="Try turning it off.")
    answer = post_services.comment_create(actor=answerer, post=question, body="The ACCEPTED-TEXT fixes it.")
    reply = post_services.comment_create(actor=member, post=question, body="Thanks!", parent=answer)
    post_services.answer_accept(actor=member, post=question, comment=answer)
    client.force_login(add_person(community))
    html = client.get(question.get_absolute_url()).content.decode()
    assert html.count("ACCEPTED-TEXT") == 1
    box = html[html.index('id="accepted-answer"') : html.index('id="comment-list"')]
    assert "ACCEPTED-TEXT" in box
    # In the list the thread keeps its place, its replies and its reply button, and points up.
    assert f'id="comment-{answer.pk}"' in html and f'id="accepted-pointer-{answer.pk}"' in html
    assert f'href="#accepted-{answer.pk}"' in html
    assert f'id="comment-{reply.pk}"' in html and f'id="reply-toggle-{answer.pk}"' in html


def test_without_an_accepted_answer_every_answer_shows_in_the_list(client, community, member):
    question = write_post(member, community, kind="question")
    post_services.comment_create(actor=add_person(community), post=question, body="ANSWER-TEXT")
    client.force_login(member)
    html = client.get(question.get_absolute_url()).content.decode()
    assert html.count("ANSWER-TEXT") == 1 and 'id="accepted-answer"' not in html
    assert "accepted-pointer" not in html


def test_a_hidden_accepted_answer_is_not_shown_to_readers(client, community, member, moderator):
    question = write_post(member, community, kind="question")
    answer = post_services.comment_create(actor=add_person(community), post=question, body="SECRET-ANSWER")
    post_services.answer_accept(actor=member, post=question, comment=answer)
    mod.comment_hide(actor=moderator, comment=answer, reason="rude")
    client.force_login(add_person(community))
    html = client.get(question.get_absolute_url()).content.decode()
    assert "SECRET-ANSWER" not in html and 'id="accepted-answer"' not in html
    client.force_login(moderator)
    assert client.get(question.get_absolute_url()).content.decode().count("SECRET-ANSWER") == 1


def test_every_thread_has_a_visible_reply_button(client, community, member, post):
    top = post_services.comment_create(actor=member, post=post, body="Top")
    client.force_login(add_person(community))
    html = client.get(post.get_absolute_url()).content.decode()
    toggle = re.search(rf'<summary class="([^"]*)" id="reply-toggle-{top.pk}">', html)
    assert toggle is not None and "btn" in toggle.group(1).split()
    assert f'hx-post="{_create_url(post)}"' in html and f'hx-target="#replies-{top.pk}"' in html
    assert f'id="reply-key-{top.pk}"' in html  # the key the answer replaces for the next reply


def test_a_reply_sent_in_place_answers_with_the_reply_and_a_fresh_key(client, community, member, post):
    top = post_services.comment_create(actor=member, post=post, body="Top")
    replier = add_person(community)
    client.force_login(replier)
    response = client.post(_create_url(post), with_key(body="In place", parent=top.pk), **HTMX)
    assert response.status_code == 200
    reply = Comment.objects.get(parent=top)
    html = response.content.decode()
    assert f'id="comment-{reply.pk}"' in html and "In place" in html and "<html" not in html
    assert f'id="reply-key-{top.pk}" hx-swap-oob="true"' in html
    # Without htmx the same form goes back to the page, at the new reply.
    plain = client.post(_create_url(post), with_key(body="Plain", parent=top.pk))
    newest = Comment.objects.filter(parent=top).latest("pk")
    assert plain.status_code == 302 and plain["Location"].endswith(f"#comment-{newest.pk}")


def test_a_bad_reply_sent_in_place_answers_400_with_the_reason(client, community, member, post):
    top = post_services.comment_create(actor=member, post=post, body="Top")
    client.force_login(add_person(community))
    response = client.post(_create_url(post), with_key(body="", parent=top.pk), **HTMX)
    assert response.status_code == 400
    assert "Write a comment of at most 10,000 characters." in response.content.decode()
    assert not Comment.objects.filter(parent=top).exists()
    other = write_post(member, community)
    elsewhere = post_services.comment_create(actor=member, post=other, body="Elsewhere")
    assert client.post(_create_url(post), with_key(body="x", parent=elsewhere.pk), **HTMX).status_code == 404


def test_reply_in_place_query_count_does_not_grow_with_the_thread(client, community, member, post):
    top = post_services.comment_create(actor=member, post=post, body="Top")
    replier = add_person(community)
    client.force_login(replier)

    def add(n: int) -> None:
        for _ in range(n):
            post_services.comment_create(actor=member, post=post, body="More", parent=top)

    def action() -> None:
        response = client.post(_create_url(post), with_key(body="Mine", parent=top.pk), **HTMX)
        assert response.status_code == 200

    # user, role map, post, parent; the service's transaction (savepoint, locked post, watched
    # words, insert, two counters, outbox event, idempotency key, release); the new reply with
    # its author and profile. None of it depends on how long the thread is.
    assert_constant_queries(add_rows=add, action=action, small=1, large=6, expected=14)
