"""Every moderation action against every kind of person: allowed ones write exactly one audit row
with before/after; denied ones raise PermissionDenied and change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from communities.core import services
from communities.models import (
    Comment,
    Community,
    CommunityRules,
    MemberMute,
    Membership,
    Post,
    Report,
    WatchedWord,
)
from communities.moderation import services as mod
from communities.posts import services as post_services
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from tests.communities.factories import CategoryFactory, MembershipFactory
from tests.communities.moderation.conftest import add_person, scoped_coordinator, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role
KINDS = [
    "employee",
    "member",
    "moderator",
    "manager",
    "owner",
    "other_moderator",
    "coordinator",
    "scoped_in",
    "scoped_out",
]
MODERATORS = {"moderator", "manager", "owner", "coordinator", "scoped_in"}
MANAGERS = {"manager", "owner", "coordinator", "scoped_in"}


@dataclass
class World:
    community: Community
    dest: Community
    owner: User
    author: User
    target: User
    muted: User
    banned: Membership
    post: Post
    pending: Post
    hidden: Post
    comment: Comment
    hidden_comment: Comment
    report: Report


def build_world() -> World:
    category = CategoryFactory.create()
    owner = UserFactory.create()
    community = services.community_create(actor=owner, name="Garden", category=category)
    dest = services.community_create(actor=owner, name="Destination", category=category)
    author = add_person(community)
    target = add_person(community)
    muted = add_person(community)
    reporter = add_person(community)
    post = write_post(author, community, title="Live")
    hidden = write_post(author, community, title="To hide")
    mod.post_hide(actor=owner, post=hidden, reason="first")
    mod.community_rules_update(actor=owner, community=community, premoderation=CommunityRules.Premoderation.ALL)
    pending = write_post(author, community, title="Held")
    mod.community_rules_update(actor=owner, community=community, premoderation=CommunityRules.Premoderation.NONE)
    comment = post_services.comment_create(actor=target, post=post, body="A comment")
    hidden_comment = post_services.comment_create(actor=target, post=post, body="Another")
    mod.comment_hide(actor=owner, comment=hidden_comment, reason="rude")
    mod.member_mute(
        actor=owner, community=community, user=muted, until=timezone.now() + dt.timedelta(days=1), reason="calm down"
    )
    services.membership_ban(actor=owner, community=community, user=UserFactory.create(), reason="spam")
    banned = Membership.objects.get(community=community, state=Membership.State.BANNED)
    report = mod.report_create(actor=reporter, post=post, reason="spam")
    return World(
        community, dest, owner, author, target, muted, banned, post, pending, hidden, comment, hidden_comment, report
    )


def make_actor(kind: str, world: World) -> User:
    if kind == "owner":
        return world.owner
    if kind in ("member", "moderator", "manager"):
        person = add_person(world.community, kind)
        MembershipFactory.create(user=person, community=world.dest, role=kind)
        return person
    if kind == "other_moderator":
        other = services.community_create(actor=UserFactory.create(), name="Other")
        return add_person(other, Role.MODERATOR)
    if kind == "coordinator":
        return UserFactory.create(is_staff=True)  # type: ignore[no-any-return]
    if kind == "scoped_in":
        return scoped_coordinator(categories=[world.community.category])  # type: ignore[list-item]
    if kind == "scoped_out":
        other = services.community_create(actor=UserFactory.create(), name="Outside")
        return scoped_coordinator(communities=[other])
    return UserFactory.create()  # type: ignore[no-any-return]


Action = Callable[[User, World], Any]
ACTIONS: dict[str, tuple[set[str], Action, str]] = {
    "post_hide": (MODERATORS, lambda a, w: mod.post_hide(actor=a, post=w.post, reason="spam"), "post.hidden"),
    "post_restore": (MODERATORS, lambda a, w: mod.post_restore(actor=a, post=w.hidden), "post.restored"),
    "post_approve": (MODERATORS, lambda a, w: mod.post_approve(actor=a, post=w.pending), "post.approved"),
    "post_reject": (MODERATORS, lambda a, w: mod.post_reject(actor=a, post=w.pending, reason="no"), "post.rejected"),
    "post_move": (
        MODERATORS,
        lambda a, w: mod.post_move(actor=a, post=w.post, community=w.dest, reason="wrong place"),
        "post.moved",
    ),
    "post_edit": (
        MODERATORS,
        lambda a, w: post_services.post_update(actor=a, post=w.post, body="Fixed", reason="typo"),
        "post.edited",
    ),
    "post_delete": (
        MODERATORS,
        lambda a, w: post_services.post_delete(actor=a, post=w.post, reason="x"),
        "post.deleted",
    ),
    "post_pin": (MODERATORS, lambda a, w: post_services.post_pin(actor=a, post=w.post), "post.pinned"),
    "post_lock": (MODERATORS, lambda a, w: post_services.post_lock(actor=a, post=w.post), "post.locked"),
    "comment_hide": (
        MODERATORS,
        lambda a, w: mod.comment_hide(actor=a, comment=w.comment, reason="rude"),
        "comment.hidden",
    ),
    "comment_restore": (
        MODERATORS,
        lambda a, w: mod.comment_restore(actor=a, comment=w.hidden_comment),
        "comment.restored",
    ),
    "comment_delete": (
        MODERATORS,
        lambda a, w: post_services.comment_delete(actor=a, comment=w.comment),
        "comment.deleted",
    ),
    "member_warn": (
        MODERATORS,
        lambda a, w: mod.member_warn(actor=a, community=w.community, user=w.target, note="Be kind"),
        "member.warned",
    ),
    "member_mute": (
        MODERATORS,
        lambda a, w: mod.member_mute(
            actor=a, community=w.community, user=w.target, until=timezone.now() + dt.timedelta(hours=2), reason="r"
        ),
        "member.muted",
    ),
    "member_unmute": (
        MODERATORS,
        lambda a, w: mod.member_unmute(actor=a, community=w.community, user=w.muted),
        "member.unmuted",
    ),
    "report_resolve": (MODERATORS, lambda a, w: mod.report_resolve(actor=a, report=w.report), "report.resolved"),
    "report_dismiss": (MODERATORS, lambda a, w: mod.report_dismiss(actor=a, report=w.report), "report.dismissed"),
    "rules_update": (
        MANAGERS,
        lambda a, w: mod.community_rules_update(actor=a, community=w.community, new_member_posts_per_day=2),
        "community.rules_changed",
    ),
    "word_add": (
        MANAGERS,
        lambda a, w: mod.watched_word_add(actor=a, community=w.community, pattern="spam", action="flag"),
        "watched_word.added",
    ),
    "member_ban": (
        MANAGERS,
        lambda a, w: services.membership_ban(actor=a, community=w.community, user=w.target, reason="x"),
        "membership.banned",
    ),
    "member_unban": (
        MANAGERS,
        lambda a, w: services.membership_unban(actor=a, membership=w.banned),
        "membership.unbanned",
    ),
}


def snapshot() -> dict[str, Any]:
    return {
        "posts": list(
            Post.objects.order_by("pk").values_list(
                "pk", "community_id", "status", "deleted_at", "is_pinned", "is_locked", "body_source", "comment_count"
            )
        ),
        "comments": list(Comment.objects.order_by("pk").values_list("pk", "status", "deleted_at")),
        "communities": list(Community.objects.order_by("pk").values_list("pk", "post_count", "member_count")),
        "memberships": sorted(Membership.objects.values_list("user_id", "community_id", "role", "state")),
        "mutes": sorted(MemberMute.objects.values_list("user_id", "community_id", "until")),
        "rules": list(CommunityRules.objects.order_by("pk").values()),
        "words": list(WatchedWord.objects.order_by("pk").values_list("pk", "pattern")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(action, kind, django_capture_on_commit_callbacks):
    allowed, run, audit_action = ACTIONS[action]
    world = build_world()
    actor = make_actor(kind, world)
    before = snapshot()
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    if kind in allowed:
        run(actor, world)
        new = list(AuditEntry.objects.filter(id__gt=last_audit))
        assert [e.action for e in new] == [audit_action]
        entry = new[0]
        assert entry.actor_id == actor.pk
        assert entry.before is not None and entry.after is not None
        assert entry.scope == f"community:{world.community.pk}"
    else:
        with pytest.raises(PermissionDenied):
            run(actor, world)
        assert snapshot() == before
