"""Building blocks for feed and search tests: posts written straight to the table (the post
services are tested elsewhere; here only what the readers select matters)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from communities.models import Community, ContentStatus, Membership, Post
from intranet.accounts.models import Follow, User
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory

_seq = itertools.count()
BASE = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)


def make_post(community: Community, author: User | None = None, **fields: Any) -> Post:
    n = next(_seq)
    fields.setdefault("title", f"Post {n}")
    fields.setdefault("body_text", fields.get("body_source", f"Text of post {n}"))
    fields.setdefault("body_source", fields["body_text"])
    fields.setdefault("body_html", f"<p>{fields['body_text']}</p>")
    fields.setdefault("created_at", BASE + dt.timedelta(minutes=n))
    tags = fields.pop("tags", ())
    post = Post.objects.create(community=community, author=author or UserFactory.create(), **fields)
    if tags:
        post.tags.add(*tags)
    return post


def member_of(user: User, *, visibility: str = Community.Visibility.PUBLIC, state: str = "active") -> Community:
    community = CommunityFactory.create(visibility=visibility)
    MembershipFactory.create(user=user, community=community, state=state)
    return community


def follow(follower: User, followee: User) -> None:
    Follow.objects.create(follower=follower, followee=followee)


HIDDEN_STATES: dict[str, dict[str, Any]] = {
    "hidden": {"status": ContentStatus.HIDDEN},
    "pending": {"status": ContentStatus.PENDING},
    "deleted": {"deleted_at": BASE},
}

State = Membership.State
