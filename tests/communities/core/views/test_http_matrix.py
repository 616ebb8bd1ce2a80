"""The permission matrix at the HTTP level for the community screens.

Roles (signed-out ... banned member) x actions (view, approve join, invite, change role, ban, change
settings, archive) x visibility (public, private, secret). Each case asserts the status code and,
on denial, that nothing changed: membership rows, counters, community fields and audit rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Community, Membership
from intranet.accounts.models import User
from tests.communities.conftest import make_viewer, snapshot
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role
State = Membership.State

ROLES = [
    "anonymous",
    "employee",
    "member",
    "moderator",
    "manager",
    "owner",
    "other_manager",
    "coordinator",
    "scoped_in",
    "scoped_out",
    "banned",
]
VISIBILITIES = [Community.Visibility.PUBLIC, Community.Visibility.PRIVATE, Community.Visibility.SECRET]
MANAGERS = {"manager", "owner", "coordinator", "scoped_in"}
ROWS = {
    "member": (Role.MEMBER, State.ACTIVE),
    "moderator": (Role.MODERATOR, State.ACTIVE),
    "manager": (Role.MANAGER, State.ACTIVE),
    "owner": (Role.OWNER, State.ACTIVE),
    "banned": (Role.MEMBER, State.BANNED),
}


@dataclass
class World:
    community: Community
    pending: Membership  # someone else's request to join
    member: Membership  # someone else's active membership
    outsider_handle: str  # someone without a row, to invite


def build(visibility: str) -> World:
    community = CommunityFactory.create(
        name="Matrix", slug="matrix", visibility=visibility, join_policy=Community.JoinPolicy.REQUEST
    )
    pending = MembershipFactory.create(community=community, state=State.PENDING)
    member = MembershipFactory.create(community=community)
    Community.objects.filter(pk=community.pk).update(member_count=1)
    community.refresh_from_db()
    return World(community, pending, member, UserFactory.create(handle="outsider").handle)


def sign_in(client: Client, kind: str, community: Community) -> None:
    if kind == "anonymous":
        return
    if kind.startswith("scoped"):  # a coordinator whose scope covers the community, or not
        user = make_viewer(kind, community).user
        assert isinstance(user, User)
        client.force_login(user)
        return
    user = UserFactory.create(is_staff=kind == "coordinator")
    if kind in ROWS:
        role, state = ROWS[kind]
        MembershipFactory.create(user=user, community=community, role=role, state=state)
    elif kind == "other_manager":
        MembershipFactory.create(user=user, community=CommunityFactory.create(), role=Role.MANAGER)
    client.force_login(user)


def _url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"communities:{name}", kwargs={"slug": world.community.slug, **kwargs})


def view(client: Client, world: World) -> Any:
    return client.get(_url("community_detail", world))


def approve(client: Client, world: World) -> Any:
    return client.post(_url("membership_approve", world, membership_id=world.pending.pk), {"message": "Welcome"})


def invite(client: Client, world: World) -> Any:
    return client.post(_url("membership_invite", world), {"person": world.outsider_handle})


def change_role(client: Client, world: World) -> Any:
    return client.post(_url("membership_change_role", world, membership_id=world.member.pk), {"role": "moderator"})


def ban(client: Client, world: World) -> Any:
    return client.post(_url("membership_ban", world, membership_id=world.member.pk), {"reason": "spam"})


def change_settings(client: Client, world: World) -> Any:
    data = {
        "name": "Renamed",
        "description": "",
        "purpose": "",
        "category": "",
        "tags": "",
        "language": "de",
        "visibility": world.community.visibility,
        "join_policy": world.community.join_policy,
    }
    return client.post(_url("community_settings", world), data)


def archive(client: Client, world: World) -> Any:
    return client.post(_url("community_archive", world), {"reason": "done"})


def _done_view(world: World) -> bool:
    return True


def _done_approve(world: World) -> bool:
    return Membership.objects.get(pk=world.pending.pk).state == State.ACTIVE


def _done_invite(world: World) -> bool:
    return Membership.objects.filter(community=world.community, user__handle="outsider", state=State.INVITED).exists()


def _done_change_role(world: World) -> bool:
    return Membership.objects.get(pk=world.member.pk).role == Role.MODERATOR


def _done_ban(world: World) -> bool:
    return Membership.objects.get(pk=world.member.pk).state == State.BANNED


def _done_settings(world: World) -> bool:
    return Community.objects.get(pk=world.community.pk).name == "Renamed"


def _done_archive(world: World) -> bool:
    return Community.objects.get(pk=world.community.pk).is_archived


ACTIONS: dict[str, tuple[Callable[[Client, World], Any], Callable[[World], bool], set[str]]] = {
    # action: (request, "it happened" check, roles allowed)
    "view": (view, _done_view, set()),  # decided by visibility below
    "approve_join": (approve, _done_approve, MANAGERS),
    "invite": (invite, _done_invite, MANAGERS),
    "change_role": (change_role, _done_change_role, MANAGERS),
    "ban": (ban, _done_ban, MANAGERS),
    "change_settings": (change_settings, _done_settings, MANAGERS),
    "archive": (archive, _done_archive, {"owner", "coordinator", "scoped_in"}),
}


def sees(kind: str, visibility: str) -> bool:
    """Who sees the community at all: everyone signed in for public and private, only active
    members and coordinators for secret."""
    if kind == "anonymous":
        return False
    if visibility != Community.Visibility.SECRET:
        return True
    return kind in {"member", "moderator", "manager", "owner", "coordinator", "scoped_in"}


def expected_status(kind: str, action: str, visibility: str) -> int:
    if kind == "anonymous":
        return 302  # to the sign-in page
    if not sees(kind, visibility):
        return 404
    if action == "view":
        return 200
    return 302 if kind in ACTIONS[action][2] else 403


CASES = [(kind, action, visibility) for visibility in VISIBILITIES for action in ACTIONS for kind in ROLES]


@pytest.mark.parametrize(("kind", "action", "visibility"), CASES)
def test_permission_matrix(client, kind, action, visibility):
    world = build(visibility)
    sign_in(client, kind, world.community)
    before = snapshot()
    perform, happened, _allowed = ACTIONS[action]
    response = perform(client, world)
    status = expected_status(kind, action, visibility)
    assert response.status_code == status, (kind, action, visibility)
    if kind == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if status in (302, 200) and kind != "anonymous":
        assert happened(world)
        if action != "view":
            after = snapshot()
            assert after["audit"] == before["audit"] + 1  # every privileged action leaves one audit row
    else:
        assert snapshot() == before
        if action != "view":
            assert not happened(world)
