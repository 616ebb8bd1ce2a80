"""Builders for the canvas tests: a community with people in every relevant role, built directly
(factories) so the permission matrix covers every visibility, plus canvas state through the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Permission

from communities.canvas.services import canvas_save
from communities.canvas.themes import THEME_KEYS
from communities.models import CanvasVersion, Category, Community, CoordinatorScope, Membership
from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.factories import UserFactory

Role = Membership.Role
State = Membership.State

KINDS = [
    "anonymous",
    "employee",
    "member",
    "moderator",
    "manager",
    "owner",
    "coordinator",
    "scoped_in",
    "scoped_out",
    "banned",
    "pending",
    "invited",
]
ROWS = {
    "member": (Role.MEMBER, State.ACTIVE),
    "moderator": (Role.MODERATOR, State.ACTIVE),
    "manager": (Role.MANAGER, State.ACTIVE),
    "owner": (Role.OWNER, State.ACTIVE),
    "banned": (Role.MEMBER, State.BANNED),
    "pending": (Role.MEMBER, State.PENDING),
    "invited": (Role.MEMBER, State.INVITED),
}


def scoped_coordinator(*, categories: list[Category] | None = None) -> User:
    user: User = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    scope = CoordinatorScope.objects.create(user=user)
    scope.categories.set(categories or [])
    return user


def make_community(visibility: str = Community.Visibility.PUBLIC, **fields: Any) -> Community:
    community: Community = CommunityFactory.create(visibility=visibility, category=CategoryFactory.create(), **fields)
    return community


def make_user(kind: str, community: Community) -> User | None:
    """A person of ``kind`` relative to ``community`` (``None`` for anonymous)."""
    if kind == "anonymous":
        return None
    if kind == "scoped_in":
        return scoped_coordinator(categories=[community.category] if community.category else [])
    if kind == "scoped_out":
        return scoped_coordinator(categories=[CategoryFactory.create()])
    user: User = UserFactory.create(is_staff=kind == "coordinator")
    if kind in ROWS:
        role, state = ROWS[kind]
        MembershipFactory.create(user=user, community=community, role=role, state=state)
    return user


def viewer_for(user: User | None) -> Viewer:
    return Viewer(user if user is not None else AnonymousUser())


def make_manager(community: Community) -> User:
    user: User = UserFactory.create()
    MembershipFactory.create(user=user, community=community, role=Role.MANAGER, state=State.ACTIVE)
    return user


def full_answers(text: str = "A thoughtful answer that is clearly longer than forty characters.") -> dict[str, str]:
    return {key: f"{key}: {text}" for key in THEME_KEYS}


def save(manager: User, community: Community, answers: dict[str, str], base: int | None = None) -> CanvasVersion:
    if base is None:
        base = CanvasVersion.objects.filter(canvas_id=community.pk).count()
    return canvas_save(actor=Viewer(manager), community=community, answers=answers, base_version=base)
