"""Handover: successor suggestions, manual handover, and the account-deactivation path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities.lifecycle.handover import community_handover, successor_suggestions
from communities.models import (
    Community,
    CommunityHealth,
    HandoverRecord,
    InboxItem,
    MemberMute,
    Membership,
)
from intranet.accounts.services import user_deactivate
from intranet.core.models import AuditEntry
from intranet.notifications.models import Notification
from tests.communities.conftest import snapshot
from tests.communities.console.conftest import add_member, community_with, posts_by
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role
State = Membership.State


def role_of(community: Community, user_id: int) -> str:
    return Membership.objects.get(community=community, user_id=user_id).role


def ownerless_active_communities() -> list[int]:
    """Active communities without an active owner whose account is active (the invariant)."""
    owned = Membership.objects.filter(role=Role.OWNER, state=State.ACTIVE, user__is_active=True).values("community_id")
    orphaned = CommunityHealth.objects.filter(state=CommunityHealth.State.ORPHANED).values("community_id")
    return list(
        Community.objects.filter(lifecycle=Community.Lifecycle.ACTIVE)
        .exclude(pk__in=owned)
        .exclude(pk__in=orphaned)
        .values_list("pk", flat=True)
    )


def test_deactivating_last_owner_promotes_the_manager_first(staff, django_capture_on_commit_callbacks) -> None:
    community = community_with(members=2)
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    moderator = add_member(community, Role.MODERATOR)
    posts_by(moderator, community, 3)  # more active, but a manager outranks a moderator
    manager = add_member(community, Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(actor=staff, user=owner, reason="left the company")
    owner.refresh_from_db()
    assert owner.is_active is False
    assert role_of(community, manager.pk) == Role.OWNER
    assert role_of(community, owner.pk) == Role.MEMBER
    record = HandoverRecord.objects.get(community=community)
    assert (record.from_user_id, record.to_user_id, record.by_id, record.kind) == (
        owner.pk,
        manager.pk,
        staff.pk,
        HandoverRecord.Kind.DEACTIVATION,
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["community.handed_over", "user.deactivated"]
    item = InboxItem.objects.get(community=community, kind=InboxItem.Kind.ESCALATION)
    assert item.escalated_at is not None
    assert Notification.objects.filter(recipient=manager, kind="community.handover").exists()
    assert ownerless_active_communities() == []


def test_deactivation_falls_back_to_moderator_then_most_active_member(staff) -> None:
    with_moderator = community_with(members=1)
    moderator = add_member(with_moderator, Role.MODERATOR)
    only_members = community_with()
    quiet = add_member(only_members)
    lively = add_member(only_members)
    posts_by(lively, only_members, 2)
    owner = UserFactory.create()
    for community in (with_moderator, only_members):
        Membership.objects.filter(community=community, role=Role.OWNER).update(user=owner)
    user_deactivate(actor=staff, user=owner)
    assert role_of(with_moderator, moderator.pk) == Role.OWNER
    assert role_of(only_members, lively.pk) == Role.OWNER
    assert role_of(only_members, quiet.pk) == Role.MEMBER
    assert HandoverRecord.objects.count() == 2
    assert ownerless_active_communities() == []


def test_deactivation_skips_muted_and_deactivated_members(staff) -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    gone = add_member(community, Role.MANAGER, is_active=False)
    muted = add_member(community, Role.MANAGER)
    MemberMute.objects.create(community=community, user=muted, until=timezone.now() + dt.timedelta(days=3))
    fine = add_member(community)
    user_deactivate(actor=staff, user=owner)
    assert role_of(community, fine.pk) == Role.OWNER
    assert role_of(community, gone.pk) == Role.MANAGER
    assert role_of(community, muted.pk) == Role.MANAGER


def test_deactivation_without_anyone_left_marks_orphaned_and_escalates(staff, django_capture_on_commit_callbacks):
    community = community_with(state=None)
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    coordinator_user = UserFactory.create(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(actor=staff, user=owner)
    # The owner stays owner of record; the community is orphaned and the coordinators know.
    assert role_of(community, owner.pk) == Role.OWNER
    assert CommunityHealth.objects.get(community=community).state == CommunityHealth.State.ORPHANED
    item = InboxItem.objects.get(community=community, kind=InboxItem.Kind.ESCALATION)
    assert item.escalated_at is not None and item.status != InboxItem.Status.DONE
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"community.orphaned", "user.deactivated"}
    assert Notification.objects.filter(recipient=coordinator_user, kind="community.coordination").exists()
    assert not HandoverRecord.objects.exists()
    assert ownerless_active_communities() == []
    # A coordinator then hands it over to someone from outside: the escalation closes.
    newcomer = UserFactory.create()
    community_handover(actor=coordinator_user, community=community, to_user=newcomer, reason="found someone")
    assert role_of(community, newcomer.pk) == Role.OWNER
    assert role_of(community, owner.pk) == Role.MEMBER
    community.refresh_from_db()
    assert community.member_count == 2
    item.refresh_from_db()
    assert item.status == InboxItem.Status.DONE


def test_deactivation_leaves_communities_with_other_active_owners_alone(staff) -> None:
    community = community_with(members=1)
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    add_member(community, Role.OWNER)
    add_member(community, Role.MANAGER)
    user_deactivate(actor=staff, user=owner)
    assert role_of(community, owner.pk) == Role.OWNER
    assert not HandoverRecord.objects.exists()


def test_co_owner_with_deactivated_account_does_not_count(staff) -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    add_member(community, Role.OWNER, is_active=False)
    member = add_member(community)
    user_deactivate(actor=staff, user=owner)
    assert role_of(community, member.pk) == Role.OWNER


def test_archived_communities_are_not_touched(staff) -> None:
    community = community_with()
    add_member(community, Role.MANAGER)
    Community.objects.filter(pk=community.pk).update(lifecycle="archived", archived_at=timezone.now())
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    user_deactivate(actor=staff, user=owner)
    assert not HandoverRecord.objects.exists()


def test_only_staff_may_deactivate_and_denial_changes_nothing() -> None:
    community = community_with()
    add_member(community, Role.MANAGER)
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    before = snapshot()
    for actor in (UserFactory.create(), owner):
        with pytest.raises((PermissionDenied, ValidationError)):
            user_deactivate(actor=actor, user=owner)
    owner.refresh_from_db()
    assert owner.is_active and snapshot() == before


def test_deactivating_twice_is_a_no_op(staff) -> None:
    community = community_with()
    add_member(community, Role.MANAGER)
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    user_deactivate(actor=staff, user=owner)
    count = AuditEntry.objects.count()
    user_deactivate(actor=staff, user=owner)
    assert AuditEntry.objects.count() == count


def test_many_communities_never_end_up_ownerless(staff) -> None:
    owner = UserFactory.create()
    shapes = [(), (Role.MANAGER,), (Role.MODERATOR, Role.MEMBER), (Role.MEMBER,), (Role.OWNER,)]
    for shape in shapes:
        community = community_with(owner=owner)
        for role in shape:
            add_member(community, role)
    user_deactivate(actor=staff, user=owner)
    assert ownerless_active_communities() == []
    assert HandoverRecord.objects.count() == 3


# Manual handover ---------------------------------------------------------------------------------


def test_owner_hands_over_and_steps_down_to_manager(django_capture_on_commit_callbacks) -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    successor = add_member(community)
    with django_capture_on_commit_callbacks(execute=True):
        record = community_handover(actor=owner, community=community, to_user=successor, reason="new job")
    assert role_of(community, successor.pk) == Role.OWNER
    assert role_of(community, owner.pk) == Role.MANAGER
    assert (record.from_user_id, record.by_id) == (owner.pk, owner.pk)
    entry = AuditEntry.objects.get(action="community.handed_over")
    assert entry.after is not None and entry.reason == "new job" and entry.after["owner"] == successor.pk
    assert Notification.objects.filter(recipient=successor, kind="community.handover").exists()


@pytest.mark.parametrize("kind", ["member", "manager", "employee", "other_coordinator_scope"])
def test_handover_denied_without_side_effects(kind: str) -> None:
    from tests.communities.console.conftest import coordinator

    community = community_with()
    target = add_member(community)
    if kind == "employee":
        actor = UserFactory.create()
    elif kind == "other_coordinator_scope":
        actor = coordinator(communities=[CommunityFactory.create()])
    else:
        actor = add_member(community, Role.MANAGER if kind == "manager" else Role.MEMBER)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        community_handover(actor=actor, community=community, to_user=target)
    assert snapshot() == before and not HandoverRecord.objects.exists()


def test_handover_refuses_banned_and_inactive_people(staff) -> None:
    community = community_with()
    banned = UserFactory.create()
    MembershipFactory.create(community=community, user=banned, state=State.BANNED)
    inactive = UserFactory.create(is_active=False)
    for person in (banned, inactive):
        with pytest.raises(ValidationError):
            community_handover(actor=staff, community=community, to_user=person)
    assert not HandoverRecord.objects.exists()


def test_suggestions_prefer_qualified_then_active_people() -> None:
    community = community_with()
    lively = add_member(community)
    posts_by(lively, community, 3)
    experienced = add_member(community)
    elsewhere = community_with(owner=experienced)
    assert elsewhere.pk
    quiet = add_member(community)
    add_member(community, is_active=False)
    names = [s.user.pk for s in successor_suggestions(community)]
    assert names == [experienced.pk, lively.pk, quiet.pk]


def test_coordinator_may_replace_the_active_owners(staff) -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    successor = add_member(community)
    record = community_handover(actor=staff, community=community, to_user=successor, replace_owners=True)
    assert role_of(community, owner.pk) == Role.MANAGER
    assert role_of(community, successor.pk) == Role.OWNER
    assert record.from_user_id == owner.pk
