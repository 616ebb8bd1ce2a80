from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from communities.core.permissions import can_read_community_content, can_view_community
from communities.core.services import (
    community_create,
    membership_accept_invitation,
    membership_approve,
    membership_ban,
    membership_change_role,
    membership_decline,
    membership_decline_invitation,
    membership_invite,
    membership_join,
    membership_leave,
    membership_remove,
    membership_request,
    membership_set_notification_level,
    membership_unban,
)
from communities.models import Community, Membership
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.conftest import assert_counters_exact, snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role
State = Membership.State


@pytest.fixture
def owner():
    return UserFactory.create()


def _community(owner, **fields) -> Community:
    return community_create(actor=owner, name=fields.pop("name", "Runners"), **fields)


def _count(community: Community) -> int:
    community.refresh_from_db()
    return community.member_count


def test_join_and_leave_keep_the_counter_exact(owner):
    community = _community(owner)
    people = UserFactory.create_batch(3)
    for person in people:
        membership_join(actor=person, community=community)
    assert _count(community) == 4
    membership_leave(actor=people[0], community=community)
    assert _count(community) == 3
    assert not Membership.objects.filter(user=people[0]).exists()
    assert_counters_exact()
    assert AuditEntry.objects.count() == 1  # only the creation: joining and leaving are one's own business


def test_double_join_is_a_clear_error_and_changes_nothing(owner, user):
    community = _community(owner)
    viewer = Viewer(user)
    membership_join(actor=viewer, community=community)
    before = snapshot()
    with pytest.raises(ValidationError, match="already a member"):
        membership_join(actor=viewer, community=community)
    with pytest.raises(ValidationError, match="already a member"):
        membership_join(actor=user, community=community)  # a fresh viewer, same answer
    assert snapshot() == before


def test_join_refuses_other_policies_and_archived_communities(owner, user):
    by_request = _community(owner, name="Asked", join_policy=Community.JoinPolicy.REQUEST)
    with pytest.raises(PermissionDenied):
        membership_join(actor=user, community=by_request)
    open_one = _community(owner, name="Open")
    open_one.lifecycle, open_one.archived_at = Community.Lifecycle.ARCHIVED, open_one.created_at
    open_one.save()
    with pytest.raises(PermissionDenied):
        membership_join(actor=user, community=open_one)
    assert Membership.objects.filter(user=user).count() == 0


def test_request_then_approve_with_message(owner, user):
    community = _community(owner, visibility=Community.Visibility.PRIVATE, join_policy=Community.JoinPolicy.REQUEST)
    membership = membership_request(actor=user, community=community, message="  I run marathons.  ")
    assert (membership.state, membership.request_message) == (State.PENDING, "I run marathons.")
    assert _count(community) == 1
    assert not can_read_community_content(Viewer(user), community)
    with pytest.raises(ValidationError, match="already asked"):
        membership_request(actor=user, community=community)

    approved = membership_approve(actor=owner, membership=membership, message="Welcome!")
    assert approved.state == State.ACTIVE and approved.decided_by == owner and approved.decision_message == "Welcome!"
    assert _count(community) == 2
    assert can_read_community_content(Viewer(user), community)
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "membership.approved" and entry.reason == "Welcome!"
    assert entry.before == {"user": user.pk, "state": "pending"} and entry.after == {"user": user.pk, "state": "active"}


def test_approving_a_non_pending_membership_is_a_clear_error(owner, user):
    community = _community(owner, join_policy=Community.JoinPolicy.REQUEST)
    membership = membership_request(actor=user, community=community)
    membership_approve(actor=owner, membership=membership)
    before = snapshot()
    with pytest.raises(ValidationError, match="Only pending requests") as excinfo:
        membership_approve(actor=owner, membership=membership)
    assert excinfo.value.code == "not_pending"
    with pytest.raises(ValidationError, match="Only pending requests"):
        membership_decline(actor=owner, membership=membership)
    assert snapshot() == before


def test_decline_deletes_the_request_and_keeps_the_reason(owner, user):
    community = _community(owner, join_policy=Community.JoinPolicy.REQUEST)
    membership = membership_request(actor=user, community=community)
    membership_decline(actor=owner, membership=membership, message="Only for the Berlin team.")
    assert not Membership.objects.filter(user=user).exists()
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.reason, entry.after) == ("membership.declined", "Only for the Berlin team.", None)
    with pytest.raises(ValidationError, match="no longer exists"):
        membership_approve(actor=owner, membership=membership)
    membership_request(actor=user, community=community)  # may ask again


def test_too_long_request_message_is_refused(owner, user):
    community = _community(owner, join_policy=Community.JoinPolicy.REQUEST)
    with pytest.raises(ValidationError):
        membership_request(actor=user, community=community, message="x" * 1001)
    assert not Membership.objects.filter(user=user).exists()


def test_the_last_owner_cannot_leave_but_one_of_two_can(owner, user):
    community = _community(owner)
    before = snapshot()
    with pytest.raises(ValidationError, match="hand over ownership first"):
        membership_leave(actor=owner, community=community)
    assert snapshot() == before
    membership = membership_join(actor=user, community=community)
    membership_change_role(actor=owner, membership=membership, role=Role.OWNER)
    membership_leave(actor=owner, community=community)
    assert _count(community) == 1
    assert Membership.objects.get(community=community).user == user
    with pytest.raises(ValidationError, match="hand over ownership first"):
        membership_leave(actor=user, community=community)


def test_the_last_owner_cannot_be_demoted_removed_or_banned(owner, staff_user):
    community = _community(owner)
    own = Membership.objects.get(user=owner)
    before = snapshot()
    with pytest.raises(ValidationError, match="at least one owner"):
        membership_change_role(actor=owner, membership=own, role=Role.MANAGER)
    with pytest.raises(ValidationError, match="at least one owner"):
        membership_remove(actor=staff_user, membership=own)
    with pytest.raises(ValidationError, match="at least one owner"):
        membership_ban(actor=staff_user, community=community, user=owner)
    assert snapshot() == before


def test_change_role_audits_before_and_after_once(owner, user):
    community = _community(owner)
    membership = membership_join(actor=user, community=community)
    membership_change_role(actor=owner, membership=membership, role=Role.MANAGER)
    membership_change_role(actor=owner, membership=membership, role=Role.MANAGER)  # same role: no-op
    entries = AuditEntry.objects.filter(action="membership.role_changed")
    assert [(e.before, e.after) for e in entries] == [
        ({"user": user.pk, "role": "member"}, {"user": user.pk, "role": "manager"})
    ]
    # the new manager may not make others managers, nor touch the owner
    other = membership_join(actor=UserFactory.create(), community=community)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        membership_change_role(actor=user, membership=other, role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        membership_change_role(actor=user, membership=Membership.objects.get(user=owner), role=Role.MEMBER)
    assert snapshot() == before
    membership_change_role(actor=user, membership=other, role=Role.MODERATOR)


def test_remove_counts_down_and_is_audited(owner, user):
    community = _community(owner)
    membership = membership_join(actor=user, community=community)
    membership_remove(actor=owner, membership=membership, reason="Left the department")
    assert _count(community) == 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.reason) == ("membership.removed", "Left the department")
    assert entry.target_repr == f"{user.display_name} in Runners (member, active)"
    assert entry.before == {"user": user.pk, "role": "member", "state": "active"}


def test_ban_unban_cycle(owner, user):
    community = _community(owner)
    membership = membership_join(actor=user, community=community)
    membership_change_role(actor=owner, membership=membership, role=Role.MODERATOR)
    banned = membership_ban(actor=owner, community=community, user=user, reason="Spam")
    assert (banned.state, banned.role) == (State.BANNED, Role.MEMBER)
    assert _count(community) == 1
    viewer = Viewer(user)
    assert not can_read_community_content(viewer, community)
    with pytest.raises(PermissionDenied):
        membership_join(actor=viewer, community=community)
    with pytest.raises(PermissionDenied):
        membership_leave(actor=viewer, community=community)  # a ban cannot be left
    membership_unban(actor=owner, membership=banned)
    membership_join(actor=user, community=community)
    assert _count(community) == 2
    entries = list(AuditEntry.objects.order_by("id"))[-2:]
    assert [e.action for e in entries] == ["membership.banned", "membership.unbanned"]
    assert entries[0].target_repr == f"{user.display_name} in Runners (member, banned)"
    assert entries[0].before == {"user": user.pk, "role": "moderator", "state": "active"}
    assert_counters_exact()


def test_ban_someone_without_a_membership_and_yourself(owner, user):
    community = _community(owner)
    banned = membership_ban(actor=owner, community=community, user=user)
    assert banned.state == State.BANNED and _count(community) == 1
    with pytest.raises(ValidationError, match="ban yourself"):
        membership_ban(actor=owner, community=community, user=owner)


def test_invitation_to_a_secret_community(owner, user):
    community = _community(owner, visibility=Community.Visibility.SECRET, join_policy=Community.JoinPolicy.INVITE)
    assert not can_view_community(Viewer(user), community)
    membership_invite(actor=owner, community=community, user=user)
    viewer = Viewer(user)
    assert can_view_community(viewer, community) and not can_read_community_content(viewer, community)
    assert _count(community) == 1
    with pytest.raises(ValidationError, match="already been invited"):
        membership_invite(actor=owner, community=community, user=user)
    membership_accept_invitation(actor=viewer, community=community)
    assert can_read_community_content(viewer, community)  # the service refreshed the viewer's map
    assert _count(community) == 2
    with pytest.raises(ValidationError, match="already a member"):
        membership_invite(actor=owner, community=community, user=user)
    assert AuditEntry.objects.filter(action="membership.invited").count() == 1


def test_declining_an_invitation_and_inviting_inactive_people(owner, user):
    community = _community(owner, join_policy=Community.JoinPolicy.INVITE)
    membership_invite(actor=owner, community=community, user=user)
    membership_decline_invitation(actor=user, community=community)
    assert not Membership.objects.filter(user=user).exists() and _count(community) == 1
    with pytest.raises(PermissionDenied):
        membership_accept_invitation(actor=user, community=community)
    gone = UserFactory.create(is_active=False)
    with pytest.raises(ValidationError, match="no active account"):
        membership_invite(actor=owner, community=community, user=gone)


def test_inviting_someone_who_asked_points_to_the_request(owner, user):
    community = _community(owner, join_policy=Community.JoinPolicy.REQUEST)
    membership_request(actor=user, community=community)
    with pytest.raises(ValidationError, match="approve the request instead"):
        membership_invite(actor=owner, community=community, user=user)


def test_withdrawing_a_request_does_not_touch_the_counter(owner, user):
    community = _community(owner, join_policy=Community.JoinPolicy.REQUEST)
    membership_request(actor=user, community=community)
    membership_leave(actor=user, community=community)
    assert _count(community) == 1 and not Membership.objects.filter(user=user).exists()


def test_notification_level(owner, user):
    community = _community(owner)
    with pytest.raises(PermissionDenied):
        membership_set_notification_level(actor=user, community=community, level="all")
    membership_join(actor=user, community=community)
    assert Membership.objects.get(user=user).notification_level == Membership.NotificationLevel.HIGHLIGHTS
    membership_set_notification_level(actor=user, community=community, level="all")
    assert Membership.objects.get(user=user).notification_level == "all"
    with pytest.raises(ValidationError):
        membership_set_notification_level(actor=user, community=community, level="loud")
