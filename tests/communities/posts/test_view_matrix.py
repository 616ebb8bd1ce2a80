"""The post rulebook over HTTP: viewer kind x action x visibility, asserting the status code and,
on denial, that nothing changed. Expectations come from the tables in ``test_post_permissions``.

Allowed writes redirect (302); denied ones answer 404 when the viewer may not see the post (so a
private post looks missing) and 403 otherwise; signed-out people are sent to the login page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from communities.models import Comment, Community, Post, PostRevision, Reaction
from intranet.core.models import AuditEntry
from tests.communities.conftest import make_viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.communities.posts.test_post_permissions import EXPECTED, KINDS, _parse
from tests.factories import UserFactory
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db

WRITES: dict[str, tuple[str, Any]] = {
    "edit": (
        "post_edit",
        lambda post, answer: {"title": "Changed", "body": "Changed body", "tags": "", "reason": "Tidied up"},
    ),
    "delete": ("post_delete", lambda post, answer: {}),
    "pin": ("post_pin", lambda post, answer: {}),
    "lock": ("post_lock", lambda post, answer: {}),
    "comment": ("comment_create", lambda post, answer: with_key(body="Hello")),
    "react": ("reaction_toggle", lambda post, answer: {"target": "post", "pk": post.pk, "kind": "like"}),
    "accept": ("answer_accept", lambda post, answer: {"comment": answer.pk}),
}


def _state() -> dict[str, Any]:
    return {
        "posts": list(
            Post.objects.order_by("pk").values_list(
                "title",
                "deleted_at",
                "is_pinned",
                "is_locked",
                "accepted_comment_id",
                "comment_count",
                "reaction_count",
            )
        ),
        "comments": Comment.objects.count(),
        "reactions": Reaction.objects.count(),
        "revisions": PostRevision.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _setup(visibility: str, kind: str, client):
    community = CommunityFactory.create(visibility=visibility)
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    post = Post.objects.create(community=community, author=author, kind=Post.Kind.QUESTION, title="Q", body_source="q")
    answer = Comment.objects.create(post=post, author=author, body_source="a", body_html="<p>a</p>")
    Post.objects.filter(pk=post.pk).update(comment_count=1)
    if kind == "author":
        client.force_login(author)
    elif kind != "anonymous":
        client.force_login(make_viewer(kind, community).user)
    return post, answer


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("visibility", list(Community.Visibility))
def test_view_post(client, visibility, kind):
    post, _answer = _setup(visibility, kind, client)
    response = client.get(post.get_absolute_url())
    allowed = _parse(EXPECTED[visibility])[(kind, "view")]
    expected = 302 if kind == "anonymous" else 200 if allowed else 404
    assert response.status_code == expected


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("visibility", list(Community.Visibility))
def test_write_post(client, visibility, kind, action):
    post, answer = _setup(visibility, kind, client)
    table = _parse(EXPECTED[visibility])
    name, data = WRITES[action]
    path = (
        reverse(f"communities:{name}")
        if name == "reaction_toggle"
        else reverse(f"communities:{name}", kwargs={"pk": post.pk})
    )
    before = _state()
    response = client.post(path, data(post, answer))
    if kind == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    elif table[(kind, action)]:
        assert response.status_code == 302, response.content[:500]
        assert _state() != before
        return
    else:
        assert response.status_code == (403 if table[(kind, "view")] else 404)
    assert _state() == before
