"""Merging a community into another and undoing it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from communities.lifecycle.services import community_merge, community_unmerge
from communities.models import Comment, Community, CommunityHealth, Membership, MergeRecord, Post
from communities.posts.services.comments import comment_create
from intranet.core.models import AuditEntry
from tests.communities.conftest import snapshot
from tests.communities.console.conftest import add_member, community_with, coordinator, posts_by
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def roles(community: Community) -> dict[int, str]:
    return dict(Membership.objects.filter(community=community).values_list("user_id", "role"))


def build() -> tuple[Community, Community, dict[str, object]]:
    source = community_with(members=2)
    target = community_with(state=CommunityHealth.State.THRIVING, members=1)
    source_owner = Membership.objects.get(community=source, role=Role.OWNER).user
    both_member = add_member(target)  # a member in the target, manager in the source
    Membership.objects.create(community=source, user=both_member, role=Role.MANAGER)
    both_owner = add_member(source, Role.MEMBER)  # a member in the source, moderator in the target
    Membership.objects.create(community=target, user=both_owner, role=Role.MODERATOR)
    Community.objects.filter(pk=source.pk).update(member_count=5)
    Community.objects.filter(pk=target.pk).update(member_count=4)
    posts_by(source_owner, source, 2)
    post = Post.objects.filter(community=source).first()
    assert post is not None
    comment_create(actor=source_owner, post=post, body="A comment")
    posts_by(Membership.objects.get(community=target, role=Role.OWNER).user, target, 1)
    source.refresh_from_db()
    target.refresh_from_db()
    return source, target, {"source_owner": source_owner, "both_member": both_member, "both_owner": both_owner}


def test_merge_moves_members_posts_comments_and_fixes_counters(staff) -> None:
    source, target, people = build()
    source_roles, target_roles = roles(source), roles(target)
    post_ids = set(Post.objects.filter(community=source).values_list("pk", flat=True))
    record = community_merge(actor=staff, source=source, target=target, reason="same topic")
    source.refresh_from_db()
    target.refresh_from_db()
    merged = roles(target)
    # Everyone of the source is now in the target with the highest of their roles.
    for user_id, role in source_roles.items():
        assert merged[user_id] == role if user_id not in target_roles else True
    assert merged[people["source_owner"].pk] == Role.OWNER  # type: ignore[attr-defined]
    assert merged[people["both_member"].pk] == Role.MANAGER  # type: ignore[attr-defined]  # raised
    assert merged[people["both_owner"].pk] == Role.MODERATOR  # type: ignore[attr-defined]  # target row wins
    assert set(Post.objects.filter(community=target).values_list("pk", flat=True)) >= post_ids
    assert Comment.objects.filter(post__community=target).count() == 1
    assert not Post.objects.filter(community=source).exists()
    active = Membership.objects.filter(state="active")
    assert target.member_count == active.filter(community=target).count() == 7
    assert source.member_count == active.filter(community=source).count() == 2
    assert (target.post_count, source.post_count) == (3, 0)
    assert source.is_archived
    assert record.raised_roles == {
        str(Membership.objects.get(community=target, user_id=people["both_member"].pk).pk): Role.MEMBER  # type: ignore[attr-defined]
    }
    entry = AuditEntry.objects.get(action="community.merged")
    assert entry.after is not None and entry.after["into"] == target.pk and entry.reason == "same topic"


def test_unmerge_puts_everything_back(staff) -> None:
    source, target, _people = build()
    before = (roles(source), roles(target))
    posts_before = sorted(Post.objects.values_list("pk", "community_id"))
    counters = (source.member_count, source.post_count, target.member_count, target.post_count)
    record = community_merge(actor=staff, source=source, target=target)
    community_unmerge(actor=staff, record=record)
    source.refresh_from_db()
    target.refresh_from_db()
    assert (roles(source), roles(target)) == before
    assert sorted(Post.objects.values_list("pk", "community_id")) == posts_before
    assert (source.member_count, source.post_count, target.member_count, target.post_count) == counters
    assert not source.is_archived
    record.refresh_from_db()
    assert record.reversed_at is not None and record.reversed_by_id == staff.pk
    assert AuditEntry.objects.filter(action="community.unmerged").count() == 1


@pytest.mark.parametrize("kind", ["owner", "employee", "scoped_one_side"])
def test_merge_denied_without_side_effects(kind: str) -> None:
    source, target, people = build()
    if kind == "owner":
        actor = people["source_owner"]
    elif kind == "employee":
        actor = UserFactory.create()
    else:
        actor = coordinator(communities=[source])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        community_merge(actor=actor, source=source, target=target)  # type: ignore[arg-type]
    assert snapshot() == before and not MergeRecord.objects.exists()
