"""Selectors: query shapes pinned and constant in the number of rows; stream and comment order."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from communities.core import services
from communities.models import Community, ContentStatus, Post
from communities.posts import services as post_services
from communities.posts.selectors import (
    comment_list_for_post,
    post_get_for_viewer,
    post_list_for_community,
    post_page_for_viewer,
)
from communities.posts.services.attachments import attachment_save, validate_uploads
from intranet.core.viewer import Viewer
from tests.communities.posts.conftest import add_person, file_upload, image_upload, write_post
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries, pin_queries

pytestmark = pytest.mark.django_db

#: The post page over HTTP: session, user, post (+community, author, profile, editor, accepted
#: answer), tags, attachments, role map (with permission codenames), comments, replies, own reactions.
POST_PAGE_QUERIES = 8
#: ``post_list_for_community`` on the first page with a warm role map: pinned, stream, tags, own reactions.
STREAM_QUERIES = 4


def _grow_post(post: Post, community: Community):
    counter = itertools.count()

    def add(n: int) -> None:
        for _ in range(n):
            person = add_person(community)
            top = post_services.comment_create(actor=person, post=post, body=f"comment {next(counter)}")
            reply = post_services.comment_create(actor=person, post=post, body="reply", parent=top)
            post_services.reaction_toggle(actor=person, post=post, kind="like")
            post_services.reaction_toggle(actor=person, comment=top, kind="love")
            post_services.reaction_toggle(actor=post.author, comment=reply, kind="funny")
            (upload,) = validate_uploads([file_upload(f"{next(counter)}.txt", b"t")], existing=0)
            attachment_save(post=post, uploaded_by=post.author, upload=upload)

    return add


def test_post_page_queries_constant(client, member, community):
    question = write_post(member, community, kind="question", attachments=[image_upload()], tags=["x", "y"])
    answer = post_services.comment_create(actor=member, post=question, body="answer")
    post_services.answer_accept(actor=member, post=question, comment=answer)
    client.force_login(member)
    path = question.get_absolute_url()

    def action():
        response = client.get(path)
        assert response.status_code == 200

    count = assert_constant_queries(add_rows=_grow_post(question, community), action=action, small=1, large=6)
    assert count == POST_PAGE_QUERIES


def test_post_page_selector_queries(member, community, post):
    _grow_post(post, community)(3)
    viewer = Viewer(member)
    post_page_for_viewer(viewer, post.pk)
    # post, tags, attachments, comments, replies, own reactions (role map cached on the viewer)
    with pin_queries(6):
        page = post_page_for_viewer(viewer, post.pk)
    with pin_queries(0):
        comments: list[Any] = page.comments.items
        for comment in comments:
            assert comment.author.profile is not None and len(comment.reply_list) == 1
            for reply in comment.reply_list:
                assert reply.author.profile is not None and reply.reaction_bar
        assert list(page.post.attachments.all()) and page.post.author.profile is not None


def test_stream_queries_constant(member, community):
    viewer = Viewer(member)
    counter = itertools.count()

    def add(n: int) -> None:
        for _ in range(n):
            post = write_post(member, community, tags=[f"t{next(counter)}", "common"])
            post_services.reaction_toggle(actor=member, post=post, kind="like")
        pinned = write_post(member, community, title="pinned")
        post_services.post_pin(actor=UserFactory.create(is_staff=True), post=pinned)

    def action():
        stream = post_list_for_community(viewer, community)
        posts: list[Any] = [*stream.pinned_posts, *stream.posts_page.items]
        for post in posts:
            assert post.author.profile is not None
            assert post.tag_names == [] or "common" in post.tag_names
            assert post.reaction_bar

    post_list_for_community(viewer, community)  # warm the role map
    count = assert_constant_queries(add_rows=add, action=action, small=1, large=6)
    assert count == STREAM_QUERIES


def test_stream_order_filters_and_keyset(member, manager, community):
    moderator_viewer = Viewer(manager)
    posts = [write_post(member, community, title=f"d{i}") for i in range(3)]
    question = write_post(member, community, kind="question", title="q")
    answered = write_post(member, community, kind="question", title="qa")
    answer = post_services.comment_create(actor=member, post=answered, body="a")
    post_services.answer_accept(actor=member, post=answered, comment=answer)
    announcement = write_post(manager, community, kind="announcement", title="ann")
    post_services.post_pin(actor=manager, post=posts[0])
    hidden = write_post(member, community, title="hidden")
    Post.objects.filter(pk=hidden.pk).update(status=ContentStatus.HIDDEN)
    post_services.post_delete(actor=member, post=write_post(member, community, title="gone"))

    viewer = Viewer(member)
    stream = post_list_for_community(viewer, community)
    assert [p.title for p in stream.pinned_posts] == ["d0"]
    assert [p.title for p in stream.posts_page] == ["ann", "qa", "q", "d2", "d1"]
    titles = lambda kind: [p.title for p in post_list_for_community(viewer, community, kind).posts_page]  # noqa: E731
    assert titles("question") == ["qa", "q"]
    assert titles("unanswered") == ["q"]
    assert titles("announcement") == ["ann"]
    assert titles("discussion") == ["d2", "d1"]
    assert titles("nonsense") == ["ann", "qa", "q", "d2", "d1"]
    assert post_list_for_community(moderator_viewer, community, "discussion").pinned_posts[0].pk == posts[0].pk
    assert question.pk and announcement.pk

    first = post_list_for_community(viewer, community, page_size=2)
    second = post_list_for_community(viewer, community, cursor=first.posts_page.next_cursor, page_size=2)
    assert [p.title for p in first.posts_page] == ["ann", "qa"]
    assert [p.title for p in second.posts_page] == ["q", "d2"] and second.pinned_posts == []


def test_stream_404_for_unreadable_community(owner):
    private = services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)
    with pytest.raises(Http404):
        post_list_for_community(Viewer(UserFactory.create()), private)


def test_comment_list_order_replies_and_deleted(member, moderator, community, post):
    a = post_services.comment_create(actor=member, post=post, body="a")
    b = post_services.comment_create(actor=member, post=post, body="b")
    c = post_services.comment_create(actor=member, post=post, body="c")
    post_services.comment_create(actor=member, post=post, body="a1", parent=a)
    post_services.comment_create(actor=member, post=post, body="a2", parent=a)
    post_services.comment_delete(actor=member, comment=a)  # keeps its place: it has replies
    post_services.comment_delete(actor=member, comment=b)  # disappears
    viewer = Viewer(member)
    page = comment_list_for_post(viewer, post)
    assert [x.pk for x in page.items] == [a.pk, c.pk]
    assert page.items[0].deleted_at is not None
    first_comment: Any = page.items[0]
    assert [r.body_source for r in first_comment.reply_list] == ["a1", "a2"]
    assert [x.pk for x in comment_list_for_post(Viewer(moderator), post).items] == [a.pk, b.pk, c.pk]
    first = comment_list_for_post(viewer, post, page_size=1)
    assert [x.pk for x in comment_list_for_post(viewer, post, first.next_cursor, page_size=1).items] == [c.pk]


def test_post_get_for_viewer_404_alike(owner, member, community):
    private = services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)
    post = write_post(owner, private)
    outsider = Viewer(UserFactory.create())
    for pk in (post.pk, post.pk + 1000):
        with pytest.raises(Http404):
            post_get_for_viewer(outsider, pk)
    assert post_get_for_viewer(Viewer(owner), post.pk).pk == post.pk
    assert reverse("communities:post_detail", kwargs={"pk": post.pk}) == post.get_absolute_url()


def test_people_for_mention_two_queries_typo_and_umlaut_tolerant(member, community, owner):
    from communities.posts.selectors import people_for_mention

    add_person(community, display_name="Anna Schmidt", handle="anna.schmidt")
    add_person(community, display_name="Jürgen Groß", handle="juergen.gross")
    banned = add_person(community, state="banned", display_name="Anna Banned", handle="anna.banned")
    viewer = Viewer(member)
    people_for_mention(viewer, community, "x")  # warm the role map
    with pin_queries(2):  # the name search's settings, the people
        found = people_for_mention(viewer, community, "Schmit")
    assert [p.handle for p in found] == ["anna.schmidt"]
    assert [p.handle for p in people_for_mention(viewer, community, "jurgen")] == ["juergen.gross"]
    # Umlaut-tolerant like the directory: "Jür" = "Juer" = "Jur".
    for typed in ("Jür", "Juer", "Jur", "jü"):
        assert [p.handle for p in people_for_mention(viewer, community, typed)] == ["juergen.gross"], typed
    assert [p.handle for p in people_for_mention(viewer, community, "@anna.s")] == ["anna.schmidt"]
    assert banned.handle not in [p.handle for p in people_for_mention(viewer, community, "anna")]
    with pin_queries(0):
        assert people_for_mention(viewer, community, "  ") == []
