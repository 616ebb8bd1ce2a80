from __future__ import annotations

import io

import pytest

from communities import demo
from communities.models import Category, Comment, Community, Membership, Post, Reaction
from tests.communities.conftest import assert_counters_exact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_without_demo_people_creates_nothing():
    UserFactory.create(email="real.person@example.com")
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "no demo people" in out.getvalue()
    assert not Community.objects.exists()


def test_seed_is_varied_exact_and_idempotent():
    for i in range(40):
        UserFactory.create(email=f"person{i}@demo.intranet.test")
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "50 communities created" in out.getvalue()
    assert Category.objects.count() == 7
    communities = Community.objects.all()
    # 50 of the catalogue and the one whose owner left (seed_orphaned_community)
    assert communities.count() == 51
    assert set(communities.values_list("visibility", flat=True)) == set(Community.Visibility.values)
    assert set(communities.values_list("join_policy", flat=True)) == set(Community.JoinPolicy.values)
    assert set(communities.values_list("language", flat=True)) == {"de", "en"}
    assert communities.filter(is_official=True).exists()
    assert communities.filter(lifecycle=Community.Lifecycle.ARCHIVED).count() == 1
    assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
    assert set(Membership.objects.values_list("state", flat=True)) == set(Membership.State.values)
    for community in communities:
        owners = community.memberships.filter(role=Membership.Role.OWNER, state=Membership.State.ACTIVE)
        assert owners.exists(), community.slug
    assert_counters_exact()
    sizes = sorted(communities.values_list("member_count", flat=True))
    assert sizes[0] < sizes[-1]  # a few big ones, many small ones

    memberships = Membership.objects.count()
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "0 communities created (50 existed already)" in out.getvalue()
    assert Community.objects.count() == 51 and Membership.objects.count() == memberships


def test_seed_writes_conversations_of_every_kind_once():
    for i in range(40):
        UserFactory.create(email=f"person{i}@demo.intranet.test")
    demo.seed(stdout=io.StringIO())
    posts = Post.objects.all()
    assert set(posts.values_list("kind", flat=True)) == set(Post.Kind.values)
    questions = posts.filter(kind=Post.Kind.QUESTION)
    assert questions.filter(accepted_comment__isnull=False).exists()
    assert questions.filter(accepted_comment__isnull=True).exists()
    assert posts.filter(is_pinned=True).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Reaction.objects.exists()
    assert posts.filter(mentions__isnull=False).exists()
    for community in Community.objects.all():
        assert community.post_count == community.posts.count()
    for post in posts:
        assert post.comment_count == post.comments.count()
        assert post.reaction_count == post.reactions.count()
    before = (posts.count(), Comment.objects.count(), Reaction.objects.count())
    demo.seed(stdout=io.StringIO())
    assert (Post.objects.count(), Comment.objects.count(), Reaction.objects.count()) == before
