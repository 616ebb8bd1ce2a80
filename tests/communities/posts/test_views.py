"""Post screens over HTTP: status codes, redirects, partials, downloads, 404s like missing ones."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.core import services
from communities.models import Comment, Community, Post, PostRevision, Reaction
from communities.posts import services as post_services
from tests.communities.posts.conftest import Role, add_person, file_upload, image_upload, write_post
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.pages import comparable

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs=kwargs)


@pytest.fixture
def private(owner) -> Community:
    return services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)


def test_create_page_and_publish(client, member, community):
    client.force_login(member)
    response = client.get(url("post_create", slug=community.slug))
    assert response.status_code == 200
    assert b'value="announcement"' not in response.content  # members start no announcements
    response = client.post(
        url("post_create", slug=community.slug),
        with_key(
            {
                "kind": "question",
                "title": "Where?",
                "body": "Where is **it**?",
                "tags": "a, b",
                "attachments": [image_upload()],
            }
        ),
    )
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert post.kind == "question" and sorted(post.tags.names()) == ["a", "b"] and post.attachments.count() == 1


def test_create_shows_errors_and_saves_nothing(client, member, community):
    client.force_login(member)
    response = client.post(
        url("post_create", slug=community.slug),
        with_key(kind="discussion", title="Ok", body="text", attachments=[file_upload("x.exe", b"MZ")]),
    )
    assert response.status_code == 400
    assert "cannot be attached" in response.content.decode()
    response = client.post(url("post_create", slug=community.slug), with_key(kind="discussion", title="", body=""))
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_non_members_cannot_open_the_form(client, community, private):
    client.force_login(UserFactory.create())
    assert client.get(url("post_create", slug=community.slug)).status_code == 403
    assert client.get(url("post_create", slug=private.slug)).status_code == 403
    secret = services.community_create(actor=UserFactory.create(), name="S", visibility=Community.Visibility.SECRET)
    assert client.get(url("post_create", slug=secret.slug)).status_code == 404


def test_anonymous_is_sent_to_login(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_post_page(client, member, moderator, community):
    question = write_post(member, community, kind="question", title="Which panel?", body="Hi @" + moderator.handle)
    top = post_services.comment_create(actor=moderator, post=question, body="This one")
    post_services.comment_create(actor=member, post=question, body="Thanks", parent=top)
    post_services.answer_accept(actor=member, post=question, comment=top)
    post_services.reaction_toggle(actor=member, post=question, kind="like")
    client.force_login(member)
    response = client.get(question.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Which panel?" in html and 'class="mention"' in html
    assert 'id="accepted-answer"' in html and html.index("accepted-answer") < html.index(f'id="comment-{top.pk}"')
    assert 'aria-pressed="true"' in html  # the viewer's own reaction
    assert url("post_edit", pk=question.pk) in html  # author may edit
    assert url("post_pin", pk=question.pk) not in html  # but not pin
    client.force_login(moderator)
    html = client.get(question.get_absolute_url()).content.decode()
    assert url("post_pin", pk=question.pk) in html and url("post_lock", pk=question.pk) in html


def test_private_post_404_is_byte_identical_to_missing(client, private, owner):
    post = write_post(owner, private)
    client.force_login(UserFactory.create())
    forbidden = client.get(url("post_detail", pk=post.pk))
    missing = client.get(url("post_detail", pk=post.pk + 1000))
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden.content) == comparable(missing.content)
    for name in ("post_history", "post_edit", "post_delete"):
        a, b = client.get(url(name, pk=post.pk)), client.get(url(name, pk=post.pk + 1000))
        assert a.status_code == b.status_code == 404 and comparable(a.content) == comparable(b.content), name


def test_edit_and_history(client, member, post):
    client.force_login(member)
    assert client.get(url("post_edit", pk=post.pk)).status_code == 200
    response = client.post(url("post_edit", pk=post.pk), {"title": "New title", "body": "New body", "tags": ""})
    assert response.status_code == 302
    assert PostRevision.objects.get().title == "A title"
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="post-edited"' in page and url("post_history", pk=post.pk) in page
    history = client.get(url("post_history", pk=post.pk))
    assert history.status_code == 200 and "A title" in history.content.decode()


def test_others_cannot_edit_delete_pin_lock(client, community, post):
    client.force_login(add_person(community))
    assert client.get(url("post_edit", pk=post.pk)).status_code == 403
    assert client.post(url("post_edit", pk=post.pk), {"title": "x", "body": "y"}).status_code == 403
    assert client.post(url("post_delete", pk=post.pk)).status_code == 403
    assert client.post(url("post_pin", pk=post.pk)).status_code == 403
    assert client.post(url("post_lock", pk=post.pk)).status_code == 403
    post.refresh_from_db()
    assert post.title == "A title" and post.deleted_at is None and not post.is_pinned and not post.is_locked


def test_delete_pin_lock(client, moderator, community, post):
    client.force_login(moderator)
    assert client.post(url("post_pin", pk=post.pk)).status_code == 302
    assert client.post(url("post_lock", pk=post.pk)).status_code == 302
    post.refresh_from_db()
    assert post.is_pinned and post.is_locked
    client.post(url("post_pin", pk=post.pk), {"action": "unpin"})
    client.post(url("post_lock", pk=post.pk), {"action": "unlock"})
    post.refresh_from_db()
    assert not post.is_pinned and not post.is_locked
    assert client.get(url("post_delete", pk=post.pk)).status_code == 200
    response = client.post(url("post_delete", pk=post.pk), {"reason": "dup"})
    assert response.status_code == 302 and response["Location"] == url("community_detail", slug=community.slug)
    post.refresh_from_db()
    assert post.deleted_at is not None
    client.force_login(post.author)
    assert client.get(post.get_absolute_url()).status_code == 404


def test_comments_replies_edit_delete(client, member, community, post):
    client.force_login(member)
    response = client.post(url("comment_create", pk=post.pk), with_key(body="first"))
    top = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{top.pk}")
    client.post(url("comment_create", pk=post.pk), with_key(body="reply", parent=top.pk))
    assert Comment.objects.filter(parent=top).count() == 1
    assert client.post(url("comment_create", pk=post.pk), with_key(body="")).status_code == 302
    assert Comment.objects.count() == 2
    assert client.get(url("comment_edit", pk=top.pk)).status_code == 200
    client.post(url("comment_edit", pk=top.pk), {"body": "edited"})
    top.refresh_from_db()
    assert top.body_source == "edited"
    client.force_login(add_person(community))
    assert client.post(url("comment_edit", pk=top.pk), {"body": "hijack"}).status_code == 403
    assert client.post(url("comment_delete", pk=top.pk)).status_code == 403
    client.force_login(member)
    assert client.post(url("comment_delete", pk=top.pk)).status_code == 302
    top.refresh_from_db()
    assert top.deleted_at is not None


def test_accept_answer_view(client, member, community):
    question = write_post(member, community, kind="question")
    answer = post_services.comment_create(actor=add_person(community), post=question, body="a")
    client.force_login(member)
    client.post(url("answer_accept", pk=question.pk), {"comment": answer.pk})
    question.refresh_from_db()
    assert question.accepted_comment_id == answer.pk
    client.post(url("answer_accept", pk=question.pk), {"action": "unaccept"})
    question.refresh_from_db()
    assert question.accepted_comment_id is None


def test_reaction_toggle_htmx_returns_the_bar(client, member, post):
    client.force_login(member)
    response = client.post(
        url("reaction_toggle"), {"target": "post", "pk": post.pk, "kind": "love"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="reactions-post-{post.pk}"' in html
    assert 'data-reaction="love"' in html and 'aria-pressed="true"' in html
    assert Reaction.objects.count() == 1
    response = client.post(url("reaction_toggle"), {"target": "post", "pk": post.pk, "kind": "love"})
    assert response.status_code == 302 and not Reaction.objects.exists()
    assert client.post(url("reaction_toggle"), {"target": "post", "pk": post.pk, "kind": "meh"}).status_code == 400


def test_reaction_on_private_post_is_404(client, private, owner):
    post = write_post(owner, private)
    client.force_login(UserFactory.create())
    assert client.post(url("reaction_toggle"), {"target": "post", "pk": post.pk, "kind": "like"}).status_code == 404
    assert not Reaction.objects.exists()


def test_attachment_download(client, member, community, private, owner):
    post = write_post(member, community, attachments=[image_upload("a.png"), file_upload("r.pdf", b"%PDF-1.4 x")])
    image, pdf = post.attachments.order_by("id")
    client.force_login(UserFactory.create())
    response = client.get(url("attachment_download", pk=image.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    response = client.get(url("attachment_download", pk=pdf.pk))
    assert (
        response["Content-Disposition"].startswith("attachment")
        and b"".join(response.streaming_content) == b"%PDF-1.4 x"
    )
    hidden = write_post(owner, private, attachments=[file_upload("s.pdf", b"%PDF-secret")])
    secret_pk = hidden.attachments.get().pk
    forbidden = client.get(url("attachment_download", pk=secret_pk))
    missing = client.get(url("attachment_download", pk=secret_pk + 1000))
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden.content) == comparable(missing.content)


def test_mention_autocomplete(client, member, community, private, owner):
    add_person(community, display_name="Anna Schmidt", handle="anna.schmidt")
    add_person(private, display_name="Anna Privat", handle="anna.privat")
    client.force_login(member)
    html = client.get(url("mention_autocomplete", slug=community.slug), {"q": "anna"}).content.decode()
    assert 'role="listbox"' in html and 'data-handle="anna.schmidt"' in html
    assert "anna.privat" in html  # a public community is readable by everyone (not banned)
    client.force_login(owner)
    html = client.get(url("mention_autocomplete", slug=private.slug), {"q": "Schmit"}).content.decode()
    assert "anna.schmidt" not in html  # cannot read the private community
    html = client.get(url("mention_autocomplete", slug=private.slug), {"q": "privat"}).content.decode()
    assert 'data-handle="anna.privat"' in html
    client.force_login(member)
    assert client.get(url("mention_autocomplete", slug=private.slug), {"q": "a"}).status_code == 404


def test_mention_autocomplete_limits_to_eight(client, member, community):
    for i in range(10):
        add_person(community, display_name=f"Maria Muster{i}", handle=f"maria{i}")
    client.force_login(member)
    html = client.get(url("mention_autocomplete", slug=community.slug), {"q": "maria"}).content.decode()
    assert html.count('role="option"') == 8


def test_markdown_preview(client, member):
    client.force_login(member)
    response = client.post(url("markdown_preview"), {"body": "**hi** <script>alert(1)</script>"})
    html = response.content.decode()
    assert response.status_code == 200 and "<strong>hi</strong>" in html and "<script>" not in html
    assert client.get(url("markdown_preview")).status_code == 405


def test_stream_partial_and_page(client, member, community):
    for i in range(25):
        write_post(member, community, title=f"Post {i}")
    client.force_login(member)
    page = client.get(url("post_stream", slug=community.slug))
    html = page.content.decode()
    assert page.status_code == 200 and "Post 24" in html and "Post 4" not in html and 'id="post-stream-older"' in html
    older = html.split('id="post-stream-older"><a href="')[1].split('"')[0].replace("&amp;", "&")
    partial = client.get(older, HTTP_HX_REQUEST="true").content.decode()
    assert re.findall(r">Post (\d+)</a>", partial) == ["4", "3", "2", "1", "0"]
    assert "<section" not in partial and 'id="post-stream-older"' not in partial
    assert client.get(url("post_stream", slug=community.slug), {"cursor": "garbage"}).status_code == 400


def test_post_create_announcement_for_managers(client, community):
    manager = add_person(community, Role.MANAGER)
    client.force_login(manager)
    assert b'value="announcement"' in client.get(url("post_create", slug=community.slug)).content


def test_stream_filter_swaps_the_whole_section(client, member, community):
    write_post(member, community, title="Talk")
    write_post(member, community, kind="question", title="Ask")
    client.force_login(member)
    html = client.get(
        url("post_stream", slug=community.slug), {"kind": "question"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert html.startswith('<section id="post-stream"') or '<section id="post-stream"' in html
    assert ">Ask</a>" in html and ">Talk</a>" not in html
    assert 'aria-current="true"' in html and "?kind=question" in html
    private = services.community_create(actor=UserFactory.create(), name="P", visibility=Community.Visibility.PRIVATE)
    assert client.get(url("post_stream", slug=private.slug)).status_code == 404
