"""Counters under real concurrency: reactions and comments from several connections at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from communities.core import services
from communities.models import Comment, Post, Reaction
from communities.posts import services as post_services
from intranet.accounts.models import User
from tests.communities.core.services.test_concurrency import _race
from tests.communities.posts.conftest import add_person, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_reactions_and_comments_keep_counters_exact():
    """One test for all races: every transactional test pays for flushing the whole database."""
    owner = UserFactory.create()
    community = services.community_create(actor=owner, name="Race")
    post = write_post(owner, community)
    people = [add_person(community) for _ in range(5)]

    def react(person: User, kind: str) -> Callable[[], object]:
        return lambda: post_services.reaction_toggle(actor=person, post=post, kind=kind)

    def comment(person: User) -> Callable[[], object]:
        return lambda: post_services.comment_create(actor=person, post=post, body="hi")

    calls = [react(person, "like") for person in people]
    # the same person clicking twice at the same moment: the row lock serialises it to add + remove
    calls += [react(owner, "love"), react(owner, "love")]
    calls += [comment(person) for person in people]
    results = _race(*calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    fresh = Post.objects.get(pk=post.pk)
    assert fresh.reaction_counts == {"like": 5}
    assert fresh.reaction_count == Reaction.objects.filter(post=post).count() == 5
    assert fresh.comment_count == Comment.objects.filter(post=post).count() == 5
