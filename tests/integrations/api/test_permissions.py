"""The API answers exactly as the pages' rulebook says, for every viewer kind of the role matrix
(``tests/communities/conftest.py``) in public, private and secret communities.

The oracle is the predicate the pages ask (``can_view_post``, ``can_edit_post``, …) evaluated for
the same person: allowed → success, visible but refused → 403, not visible → 404 (like a missing
object). Anonymous callers get 401 everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from communities.core import permissions as cp
from communities.models import Comment, Community, Membership, Post
from communities.posts import permissions as pp
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from tests.integrations.api.conftest import ApiClient, api_as

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility
KINDS = [kind for kind in VIEWER_KINDS if kind != "anonymous"] + ["author"]


def _expected(visible: bool, allowed: bool, success: int) -> int:
    if not visible:
        return 404
    return success if allowed else 403


def _fresh_post(post: Post) -> Post:
    return Post.objects.select_related("community").get(pk=post.pk)


# (name, method, path, body, oracle(viewer, community, post) -> expected status)
Check = tuple[str, str, str, Any, Callable[[Viewer, Community, Post], int]]


def _checks(community: Community, post: Post, comment: Comment) -> list[Check]:
    slug, pid = community.slug, post.pk
    return [
        (
            "community",
            "GET",
            f"/communities/{slug}",
            None,
            lambda v, c, p: _expected(cp.can_view_community(v, c), True, 200),
        ),
        (
            "stream",
            "GET",
            f"/communities/{slug}/posts",
            None,
            lambda v, c, p: _expected(cp.can_view_community(v, c) and cp.can_read_community_content(v, c), True, 200),
        ),
        ("post", "GET", f"/posts/{pid}", None, lambda v, c, p: _expected(pp.can_view_post(v, p), True, 200)),
        (
            "comments",
            "GET",
            f"/posts/{pid}/comments",
            None,
            lambda v, c, p: _expected(pp.can_view_post(v, p), True, 200),
        ),
        (
            "react",
            "POST",
            f"/posts/{pid}/reactions",
            {"kind": "like"},
            lambda v, c, p: _expected(pp.can_view_post(v, p), pp.can_react(v, p), 200),
        ),
        (
            "comment",
            "POST",
            f"/posts/{pid}/comments",
            {"body": "Through the API"},
            lambda v, c, p: _expected(pp.can_view_post(v, p), pp.can_comment_on_post(v, p), 201),
        ),
        (
            "accept",
            "PUT",
            f"/posts/{pid}/accepted-answer",
            {"comment_id": comment.pk},
            lambda v, c, p: _expected(pp.can_view_post(v, p), pp.can_accept_answer(v, p), 200),
        ),
        (
            "edit",
            "PATCH",
            f"/posts/{pid}",
            {"title": "Edited through the API", "reason": "Clearer title"},
            lambda v, c, p: _expected(pp.can_view_post(v, p), pp.can_edit_post(v, p), 200),
        ),
        (
            "settings",
            "PATCH",
            f"/communities/{slug}",
            {"description": "Changed through the API"},
            lambda v, c, p: _expected(cp.can_view_community(v, c), cp.can_change_community_settings(v, c), 200),
        ),
        (
            "delete",
            "DELETE",
            f"/posts/{pid}",
            None,
            lambda v, c, p: _expected(pp.can_view_post(v, p), pp.can_delete_post(v, p), 204),
        ),
    ]


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE, Visibility.SECRET])
@pytest.mark.parametrize("kind", KINDS)
def test_api_matches_the_rulebook(kind: str, visibility: str) -> None:
    community = CommunityFactory.create(visibility=visibility, join_policy=Community.JoinPolicy.REQUEST)
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    post = Post.objects.create(community=community, author=author, kind=Post.Kind.QUESTION, title="Q", body_source="q")
    answerer = UserFactory.create()
    MembershipFactory.create(user=answerer, community=community)
    comment = Comment.objects.create(post=post, author=answerer, body_source="a", body_html="<p>a</p>")
    person = author if kind == "author" else make_viewer(kind, community).user
    api = api_as(person)  # type: ignore[arg-type]
    wrong = []
    for name, method, path, body, oracle in _checks(community, post, comment):
        expected = oracle(Viewer(person), Community.objects.get(pk=community.pk), _fresh_post(post))
        response = api.get(path) if method == "GET" else api.send(method, path, body)
        if response.status_code != expected:
            wrong.append(f"{name}: expected {expected}, got {response.status_code} {response.content[:200]!r}")
    assert not wrong, f"{kind} in {visibility}:\n" + "\n".join(wrong)


def test_anonymous_gets_401_everywhere() -> None:
    community = CommunityFactory.create()
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community, role=Membership.Role.OWNER)
    post = Post.objects.create(community=community, author=author, title="P", body_source="p")
    comment = Comment.objects.create(post=post, author=author, body_source="c")
    anonymous = ApiClient()
    for _name, method, path, body, _oracle in _checks(community, post, comment):
        response = anonymous.get(path) if method == "GET" else anonymous.send(method, path, body)
        assert response.status_code == 401, path


def test_membership_join_request_and_decision_follow_the_rules() -> None:
    community = CommunityFactory.create(join_policy=Community.JoinPolicy.REQUEST)
    owner = UserFactory.create()
    MembershipFactory.create(user=owner, community=community, role=Membership.Role.OWNER)
    joiner, bystander = UserFactory.create(), UserFactory.create()
    asked = api_as(joiner).send("POST", f"/communities/{community.slug}/membership", {"message": "Hi"})
    assert asked.status_code == 201, asked.content
    assert asked.json()["state"] == "pending"
    path = f"/communities/{community.slug}/memberships/{asked.json()['id']}/decision"
    assert api_as(bystander).send("POST", path, {"approve": True}).status_code == 403
    decided = api_as(owner).send("POST", path, {"approve": True})
    assert decided.status_code == 200 and decided.json()["state"] == "active"
    role = api_as(owner).send(
        "PUT", f"/communities/{community.slug}/memberships/{asked.json()['id']}/role", {"role": "moderator"}
    )
    assert role.status_code == 200 and role.json()["role"] == "moderator"
    assert api_as(joiner).send("DELETE", f"/communities/{community.slug}/membership").status_code == 204
    secret = CommunityFactory.create(visibility=Visibility.SECRET)
    assert api_as(joiner).send("POST", f"/communities/{secret.slug}/membership", {}).status_code == 404
