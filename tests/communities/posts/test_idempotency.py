"""The same post or comment form sent twice (double click, resend after a timeout, two racing
requests) creates one post or comment, and the second answer is the first one's."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from communities.models import Comment, Post
from intranet.core.models import IdempotencyKey
from tests.communities.posts.conftest import add_person
from tests.support.forms import with_key

KEY_INPUT = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


def url(name: str, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs=kwargs)


@pytest.mark.django_db
def test_post_form_sent_twice_creates_one_post_and_answers_alike(client, member, community):
    client.force_login(member)
    data = with_key(kind="question", title="Where?", body="Where is it?", tags="a")
    first = client.post(url("post_create", slug=community.slug), data)
    second = client.post(url("post_create", slug=community.slug), data)
    post = Post.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == post.get_absolute_url()
    community.refresh_from_db()
    assert community.post_count == 1
    assert IdempotencyKey.objects.get().object_pk == str(post.pk)


@pytest.mark.django_db
def test_each_rendered_post_form_is_a_new_submission(client, member, community):
    client.force_login(member)
    keys = [KEY_INPUT.findall(client.get(url("post_create", slug=community.slug)).content.decode()) for _ in "ab"]
    assert len(keys[0]) == len(keys[1]) == 1 and keys[0] != keys[1]
    for n, [key] in enumerate(keys):
        data = {"kind": "discussion", "title": f"Post {n}", "body": "Text", "idempotency_key": key}
        assert client.post(url("post_create", slug=community.slug), data).status_code == 302
    assert Post.objects.count() == 2


@pytest.mark.django_db
def test_post_form_without_key_is_refused_with_a_fresh_one(client, member, community):
    client.force_login(member)
    response = client.post(url("post_create", slug=community.slug), {"kind": "discussion", "title": "T", "body": "B"})
    html = response.content.decode()
    assert response.status_code == 400 and not Post.objects.exists()
    assert "This form is out of date or was changed." in html
    [fresh] = KEY_INPUT.findall(html)  # the form shown again can be sent as it is
    data = {"kind": "discussion", "title": "T", "body": "B", "idempotency_key": fresh}
    assert client.post(url("post_create", slug=community.slug), data).status_code == 302
    assert Post.objects.count() == 1
    bad = {"kind": "discussion", "title": "T", "body": "B", "idempotency_key": "not-a-key"}
    assert client.post(url("post_create", slug=community.slug), bad).status_code == 400
    assert Post.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_post_frees_its_key_for_the_corrected_form(client, member, community):
    client.force_login(member)
    key = str(uuid.uuid4())
    refused = client.post(
        url("post_create", slug=community.slug),
        {"kind": "discussion", "title": "", "body": "B", "idempotency_key": key},
    )
    assert refused.status_code == 400 and key in refused.content.decode()
    fixed = {"kind": "discussion", "title": "Now with a title", "body": "B", "idempotency_key": key}
    assert client.post(url("post_create", slug=community.slug), fixed).status_code == 302
    assert Post.objects.get().title == "Now with a title"


@pytest.mark.django_db
def test_the_same_key_of_two_people_makes_two_posts(client, member, community):
    other = add_person(community)
    data = with_key(kind="discussion", title="Same", body="Same")
    for person in (member, other):
        client.force_login(person)
        assert client.post(url("post_create", slug=community.slug), data).status_code == 302
    assert sorted(Post.objects.values_list("author_id", flat=True)) == sorted([member.pk, other.pk])


@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_with_one_key_create_one_post(member, community):
    """Two connections send the same form at the same moment: PostgreSQL makes the second claim
    wait for the first transaction, which then answers it with the first post."""
    data = with_key(kind="discussion", title="Racing", body="Sent twice at once")
    path = url("post_create", slug=community.slug)
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        try:
            browser = Client()
            browser.force_login(member)
            barrier.wait(timeout=10)
            response = browser.post(path, data)
            answers.append((response.status_code, response.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    post = Post.objects.get()
    assert answers == [(302, post.get_absolute_url())] * 2
    community.refresh_from_db()
    assert community.post_count == 1


@pytest.mark.django_db
def test_comment_and_reply_forms_sent_twice_create_one_each(client, member, post):
    client.force_login(member)
    data = with_key(body="First!")
    first = client.post(url("comment_create", pk=post.pk), data)
    second = client.post(url("comment_create", pk=post.pk), data)
    top = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] and first["Location"].endswith(f"#comment-{top.pk}")
    reply = with_key(body="A reply", parent=top.pk)
    answers = {client.post(url("comment_create", pk=post.pk), reply)["Location"] for _ in range(2)}
    assert Comment.objects.filter(parent=top).count() == 1
    assert answers == {f"{post.get_absolute_url()}#comment-{Comment.objects.get(parent=top).pk}"}
    post.refresh_from_db()
    assert post.comment_count == 2


@pytest.mark.django_db
def test_comment_forms_on_the_post_page_carry_distinct_keys(client, member, post):
    client.force_login(member)
    client.post(url("comment_create", pk=post.pk), with_key(body="Top comment"))
    html = client.get(post.get_absolute_url()).content.decode()
    keys = KEY_INPUT.findall(html)
    assert len(keys) == 2 and len(set(keys)) == 2  # the comment form and the reply form


@pytest.mark.django_db
def test_comment_without_key_is_a_400_and_saves_nothing(client, member, post):
    client.force_login(member)
    response = client.post(url("comment_create", pk=post.pk), {"body": "No key"})
    assert response.status_code == 400
    assert "This form is out of date or was changed." in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_key_used_for_a_post_cannot_create_a_comment(client, member, community, post):
    client.force_login(member)
    data = with_key(kind="discussion", title="T", body="B")
    client.post(url("post_create", slug=community.slug), data)
    response = client.post(url("comment_create", pk=post.pk), {**data, "body": "reuse"}, follow=True)
    assert "This form was already sent." in response.content.decode()
    assert not Comment.objects.exists()
