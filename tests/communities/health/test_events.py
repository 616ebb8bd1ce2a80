"""Membership events are written by the membership services, in their transaction, and
``manager_appointed`` is sent on commit when someone becomes owner or manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from communities.core import services
from communities.core.signals import manager_appointed
from communities.models import Community, Membership, MembershipEvent
from intranet.accounts.models import User
from tests.communities.factories import MembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role
State = Membership.State
Kind = MembershipEvent.Kind


def events(community: Community) -> list[tuple[int | None, str, str]]:
    return list(
        MembershipEvent.objects.filter(community=community).order_by("id").values_list("user_id", "kind", "role")
    )


@pytest.fixture
def owner() -> User:
    return UserFactory.create()


@pytest.fixture
def community(owner: User) -> Community:
    return services.community_create(actor=owner, name="Garden club")


@pytest.fixture
def appointed() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        received.append({k: kwargs[k] for k in ("community_id", "user_id")})

    manager_appointed.connect(receiver, dispatch_uid="test-health-appointed")
    yield received
    manager_appointed.disconnect(dispatch_uid="test-health-appointed")


def test_creation_records_the_owner_joining_and_appoints_on_commit(
    owner: User, appointed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        community = services.community_create(actor=owner, name="Chess")
    assert events(community) == [(owner.pk, Kind.JOINED, Role.OWNER)]
    assert appointed == []  # not before the commit
    for callback in callbacks:
        callback()
    assert appointed == [{"community_id": community.pk, "user_id": owner.pk}]


def test_join_leave_and_rejoin(community: Community) -> None:
    person = UserFactory.create()
    services.membership_join(actor=person, community=community)
    services.membership_leave(actor=person, community=community)
    services.membership_join(actor=person, community=community)
    assert events(community)[1:] == [
        (person.pk, Kind.JOINED, Role.MEMBER),
        (person.pk, Kind.LEFT, Role.MEMBER),
        (person.pk, Kind.JOINED, Role.MEMBER),
    ]


def test_request_approve_and_withdraw(owner: User) -> None:
    community = services.community_create(actor=owner, name="Closed", join_policy=Community.JoinPolicy.REQUEST)
    asker, withdrawer = UserFactory.create(), UserFactory.create()
    request = services.membership_request(actor=asker, community=community)
    services.membership_request(actor=withdrawer, community=community)
    assert events(community)[1:] == []  # a request is no membership yet
    services.membership_approve(actor=owner, membership=request)
    services.membership_leave(actor=withdrawer, community=community)  # withdrawing is no leave
    assert events(community)[1:] == [(asker.pk, Kind.JOINED, Role.MEMBER)]


def test_invitation_accepted(owner: User, community: Community) -> None:
    guest = UserFactory.create()
    services.membership_invite(actor=owner, community=community, user=guest)
    services.membership_accept_invitation(actor=guest, community=community)
    assert events(community)[1:] == [(guest.pk, Kind.JOINED, Role.MEMBER)]


def test_role_change_remove_ban_unban(
    owner: User, community: Community, appointed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    a, b, outsider = UserFactory.create(), UserFactory.create(), UserFactory.create()
    membership_a = services.membership_join(actor=a, community=community)
    membership_b = services.membership_join(actor=b, community=community)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_change_role(actor=owner, membership=membership_a, role=Role.MODERATOR)
    assert appointed == []  # a moderator is no manager
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_change_role(actor=owner, membership=membership_a, role=Role.MANAGER)
    assert appointed == [{"community_id": community.pk, "user_id": a.pk}]
    services.membership_remove(actor=owner, membership=membership_b)
    ban_a = services.membership_ban(actor=owner, community=community, user=a)
    services.membership_ban(actor=owner, community=community, user=outsider)
    services.membership_unban(actor=owner, membership=ban_a)
    assert events(community)[1:] == [
        (a.pk, Kind.JOINED, Role.MEMBER),
        (b.pk, Kind.JOINED, Role.MEMBER),
        (a.pk, Kind.ROLE_CHANGED, Role.MODERATOR),
        (a.pk, Kind.ROLE_CHANGED, Role.MANAGER),
        (b.pk, Kind.REMOVED, Role.MEMBER),
        (a.pk, Kind.BANNED, Role.MANAGER),
        (outsider.pk, Kind.BANNED, ""),  # not a member before: no leave
        (a.pk, Kind.UNBANNED, ""),
    ]


def test_ownership_transfer_appoints(
    owner: User, community: Community, appointed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    heir = UserFactory.create()
    membership = services.membership_join(actor=heir, community=community)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_change_role(actor=owner, membership=membership, role=Role.OWNER)
    assert appointed == [{"community_id": community.pk, "user_id": heir.pk}]


def test_a_failed_service_writes_no_event(owner: User, community: Community) -> None:
    from django.core.exceptions import ValidationError

    owner_row = Membership.objects.get(community=community, user=owner)
    before = events(community)
    with pytest.raises(ValidationError):
        services.membership_leave(actor=owner, community=community)  # the last owner cannot leave
    with pytest.raises(ValidationError):
        services.membership_change_role(actor=owner, membership=owner_row, role=Role.MEMBER)
    assert events(community) == before


def test_backfill_command_adds_missing_joined_events_once(community: Community) -> None:
    from django.core.management import call_command

    loaded = MembershipFactory.create(community=community)  # loaded without the services: no event
    MembershipFactory.create(community=community, state=State.PENDING)
    call_command("health_backfill_events", "--batch", "1")
    call_command("health_backfill_events")
    joined = MembershipEvent.objects.filter(community=community, kind=Kind.JOINED)
    assert set(joined.values_list("user_id", flat=True)) == {community.created_by_id, loaded.user_id}
    assert joined.count() == 2
