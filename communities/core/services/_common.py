"""Helpers shared by the community and membership services (not part of the public API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import F

from communities.core.models import Community, Membership
from intranet.core.audit import audit_log
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User


class _Unset:
    """Marks a keyword argument the caller did not pass (``None`` may be a real value)."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


#: Typed ``Any`` so a parameter can read ``name: str = UNSET`` and still be checked as ``str``.
UNSET: Any = _Unset()


def acting_user(viewer: Viewer) -> User:
    """The signed-in user behind ``viewer`` (services call it after ``require`` let them through)."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    return cast("User", viewer.user)


def is_set(value: object) -> bool:
    return not isinstance(value, _Unset)


def lock_community(community: Community) -> Community:
    """Fetch the community row again under ``FOR UPDATE``.

    Every service that changes members or counters of a community takes this lock first (then the
    membership rows, in primary-key order), so concurrent joins, leaves and role changes serialise
    per community and last-owner checks cannot race.
    """
    return Community.objects.select_for_update().get(pk=community.pk)


def lock_membership(membership_pk: int) -> Membership | None:
    # The person comes along for the audit row's description; only the membership row is locked.
    return Membership.objects.select_related("user").select_for_update(of=("self",)).filter(pk=membership_pk).first()


def add_members(community: Community, delta: int) -> None:
    """Move the stored member counter by ``delta`` (caller holds the community lock)."""
    if delta:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + delta)
        community.member_count += delta


def other_active_owner_exists(community: Community, membership: Membership) -> bool:
    return (
        Membership.objects.filter(community=community, role=Membership.Role.OWNER, state=Membership.State.ACTIVE)
        .exclude(pk=membership.pk)
        .exists()
    )


def audit(
    viewer: Viewer,
    *,
    action: str,
    community: Community,
    target: Community | Membership,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    audit_log(
        actor=viewer.user if viewer.is_authenticated else None,
        action=action,
        target=target,
        scope=f"community:{community.pk}",
        before=before,
        after=after,
        reason=reason,
    )
