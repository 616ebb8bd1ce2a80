"""Writes on memberships: join, request, decide, invite, accept, leave, roles, removal and bans.

Every function locks the community row first (then the membership row), keeps ``member_count``
exact with ``F()`` updates, and writes one audit row when someone acts on another person's
membership. Acting on one's own membership (join, leave, accept) is not audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core import events
from communities.core.history import membership_event_record
from communities.core.models import Community, Membership, MembershipEvent
from communities.core.permissions import (
    can_accept_invitation,
    can_ban_member,
    can_change_own_notification_level,
    can_change_role,
    can_join_community,
    can_leave_community,
    can_manage_members,
    can_remove_member,
    can_request_membership,
    can_unban_member,
    forget_memberships,
    role_map,
)
from communities.core.realtime import member_access_changed
from communities.core.services._common import (
    acting_user,
    add_members,
    audit,
    lock_community,
    lock_membership,
    other_active_owner_exists,
)
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

State = Membership.State
EventKind = MembershipEvent.Kind
Role = Membership.Role
MESSAGE_MAX = 1000


def _own_row_error(state: str | None) -> ValidationError | None:
    """The clear message for trying to join where one already has a (non-banned) row."""
    if state == State.ACTIVE:
        return ValidationError(_("You are already a member of this community."), code="already_member")
    if state == State.PENDING:
        return ValidationError(_("You have already asked to join; the managers will decide."), code="already_pending")
    if state == State.INVITED:
        return ValidationError(
            _("You have been invited already: accept the invitation instead."), code="already_invited"
        )
    return None


def _their_row_error(membership: Membership) -> ValidationError:
    """The clear message for inviting someone who already has a row."""
    messages = {
        State.ACTIVE: _("%(person)s is already a member."),
        State.PENDING: _("%(person)s has already asked to join: approve the request instead."),
        State.INVITED: _("%(person)s has already been invited."),
        State.BANNED: _("%(person)s is banned from this community: lift the ban first."),
    }
    return ValidationError(
        messages[State(membership.state)], code=f"already_{membership.state}", params={"person": membership.user}
    )


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError(_("Use at most %(max)d characters.") % {"max": MESSAGE_MAX}, code="max_length")
    return message


def _enter(viewer: Viewer, community: Community, *, state: str, message: str = "") -> Membership:
    """Shared body of join (``active``) and request (``pending``)."""
    error = _own_row_error(role_map(viewer).get(community.pk, ("", ""))[1] or None)
    if error:
        raise error
    predicate = can_join_community if state == State.ACTIVE else can_request_membership
    require(predicate(viewer, community))
    message = _clean_message(message)
    community = lock_community(community)
    # The cached map may predate a concurrent join by the same person; the row check under the
    # community lock is authoritative.
    existing = Membership.objects.filter(community=community, user=acting_user(viewer)).first()
    if existing is not None:
        forget_memberships(viewer)
        error = _own_row_error(existing.state)
        if error:
            raise error
        raise PermissionDenied
    require(predicate(viewer, community))
    membership = Membership.objects.create(
        user=acting_user(viewer), community=community, state=state, request_message=message
    )
    if state == State.ACTIVE:
        add_members(community, +1)
        membership_event_record(
            community_id=community.pk, user_id=membership.user_id, kind=EventKind.JOINED, role=membership.role
        )
    forget_memberships(viewer)
    return membership


@transaction.atomic
def membership_join(*, actor: Viewer | User, community: Community) -> Membership:
    """Join an open community at once. Joining twice raises ``ValidationError``; nothing changes."""
    return _enter(as_viewer(actor), community, state=State.ACTIVE)


@transaction.atomic
def membership_request(*, actor: Viewer | User, community: Community, message: str = "") -> Membership:
    """Ask to join a community with the "on request" policy, with an optional message."""
    membership = _enter(as_viewer(actor), community, state=State.PENDING, message=message)
    events.membership_requested(membership)
    return membership


def _locked_pair(viewer: Viewer, membership: Membership) -> tuple[Community, Membership]:
    """Lock community then membership (fixed order); a vanished row is a clear error."""
    community = lock_community(membership.community)
    locked = lock_membership(membership.pk)
    if locked is None or locked.community_id != community.pk:
        raise ValidationError(_("This membership no longer exists."), code="gone")
    locked.community = community
    return community, locked


def _decide(viewer: Viewer, membership: Membership, *, approve: bool, message: str) -> Membership:
    require(can_manage_members(viewer, membership.community))
    message = _clean_message(message)
    community, locked = _locked_pair(viewer, membership)
    require(can_manage_members(viewer, community))
    if locked.state != State.PENDING:
        raise ValidationError(
            _("Only pending requests can be approved or declined; this membership is “%(state)s”."),
            code="not_pending",
            params={"state": State(locked.state).label},
        )
    events.membership_decided(locked, approved=approve, actor_id=viewer.user_id)
    if approve:
        locked.state = State.ACTIVE
        locked.decided_by = acting_user(viewer)
        locked.decided_at = timezone.now()
        locked.decision_message = message
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_message", "updated_at"])
        add_members(community, +1)
        membership_event_record(
            community_id=community.pk, user_id=locked.user_id, kind=EventKind.JOINED, role=locked.role
        )
    else:
        locked.delete()
    audit(
        viewer,
        action="membership.approved" if approve else "membership.declined",
        community=community,
        target=locked,
        before={"user": locked.user_id, "state": State.PENDING},
        after={"user": locked.user_id, "state": State.ACTIVE} if approve else None,
        reason=message,
    )
    return locked


@transaction.atomic
def membership_approve(*, actor: Viewer | User, membership: Membership, message: str = "") -> Membership:
    """Approve a pending request (managers and coordinators); anything else is a ``ValidationError``."""
    return _decide(as_viewer(actor), membership, approve=True, message=message)


@transaction.atomic
def membership_decline(*, actor: Viewer | User, membership: Membership, message: str = "") -> Membership:
    """Decline a pending request: the row is deleted (the person may ask again); the message is kept
    in the audit row. Returns the deleted membership for the caller's notice."""
    return _decide(as_viewer(actor), membership, approve=False, message=message)


@transaction.atomic
def membership_invite(*, actor: Viewer | User, community: Community, user: User) -> Membership:
    """Invite one active person; they join when they accept. Existing rows raise ``ValidationError``."""
    viewer = as_viewer(actor)
    require(can_manage_members(viewer, community))
    community = lock_community(community)
    require(can_manage_members(viewer, community))
    if not user.is_active:
        raise ValidationError(_("%(person)s has no active account."), code="inactive", params={"person": user})
    existing = Membership.objects.filter(community=community, user=user).select_related("user").first()
    if existing is not None:
        raise _their_row_error(existing)
    membership = Membership.objects.create(
        user=user, community=community, state=State.INVITED, invited_by=acting_user(viewer)
    )
    events.members_invited(community, [user.pk], viewer.user_id)
    audit(
        viewer,
        action="membership.invited",
        community=community,
        target=membership,
        after={"user": user.pk, "state": State.INVITED},
    )
    return membership


def _own_locked(viewer: Viewer, community: Community) -> tuple[Community, Membership | None]:
    community = lock_community(community)
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=acting_user(viewer)).first()
        if viewer.user_id
        else None
    )
    return community, membership


@transaction.atomic
def membership_accept_invitation(*, actor: Viewer | User, community: Community) -> Membership:
    """Accept an open invitation: the membership becomes active."""
    viewer = as_viewer(actor)
    require(can_accept_invitation(viewer, community))
    community, membership = _own_locked(viewer, community)
    forget_memberships(viewer)
    if membership is None or membership.state != State.INVITED:
        raise ValidationError(_("There is no open invitation for you in this community."), code="no_invitation")
    require(not community.is_archived)
    membership.state = State.ACTIVE
    membership.decided_at = timezone.now()
    membership.save(update_fields=["state", "decided_at", "updated_at"])
    add_members(community, +1)
    membership_event_record(
        community_id=community.pk, user_id=membership.user_id, kind=EventKind.JOINED, role=membership.role
    )
    return membership


@transaction.atomic
def membership_decline_invitation(*, actor: Viewer | User, community: Community) -> None:
    """Decline an open invitation (the row is deleted)."""
    viewer = as_viewer(actor)
    require(role_map(viewer).get(community.pk, ("", ""))[1] == State.INVITED)
    _community, membership = _own_locked(viewer, community)
    forget_memberships(viewer)
    if membership is None or membership.state != State.INVITED:
        raise ValidationError(_("There is no open invitation for you in this community."), code="no_invitation")
    membership.delete()


@transaction.atomic
def membership_leave(*, actor: Viewer | User, community: Community) -> None:
    """Leave a community, withdraw a request or decline an invitation.

    The last active owner cannot leave: ``ValidationError`` asking to hand over ownership first.
    """
    viewer = as_viewer(actor)
    require(can_leave_community(viewer, community))
    community, membership = _own_locked(viewer, community)
    forget_memberships(viewer)
    if membership is None:
        raise ValidationError(_("You are not a member of this community."), code="not_member")
    require(membership.state != State.BANNED)
    if (
        membership.state == State.ACTIVE
        and membership.role == Role.OWNER
        and not other_active_owner_exists(community, membership)
    ):
        raise ValidationError(
            _("You are the last owner of this community: hand over ownership first."), code="last_owner"
        )
    was_active = membership.state == State.ACTIVE
    if membership.state == State.PENDING:
        events.membership_request_closed(membership)
    membership.delete()
    add_members(community, -1 if was_active else 0)
    if was_active:
        membership_event_record(
            community_id=community.pk, user_id=membership.user_id, kind=EventKind.LEFT, role=membership.role
        )
    member_access_changed(membership.user_id, community.pk, reason="membership.left")


def _refuse_last_owner(community: Community, membership: Membership) -> None:
    if (
        membership.state == State.ACTIVE
        and membership.role == Role.OWNER
        and not other_active_owner_exists(community, membership)
    ):
        raise ValidationError(
            _("The community needs at least one owner: make someone else owner first."), code="last_owner"
        )


@transaction.atomic
def membership_change_role(*, actor: Viewer | User, membership: Membership, role: str) -> Membership:
    """Give an active membership another role (see ``can_change_role`` for who may set what).

    The last owner cannot be demoted. Setting the current role again changes and audits nothing.
    """
    viewer = as_viewer(actor)
    require(can_change_role(viewer, membership, role))
    community, locked = _locked_pair(viewer, membership)
    require(can_change_role(viewer, locked, role))
    if locked.role == role:
        return locked
    if role != Role.OWNER:
        _refuse_last_owner(community, locked)
    before = {"user": locked.user_id, "role": locked.role}
    locked.role = role
    locked.save(update_fields=["role", "updated_at"])
    membership_event_record(community_id=community.pk, user_id=locked.user_id, kind=EventKind.ROLE_CHANGED, role=role)
    events.membership_role_changed(locked, viewer.user_id)
    member_access_changed(locked.user_id, community.pk, reason="membership.role_changed")
    if locked.user_id == viewer.user_id:
        forget_memberships(viewer)
    audit(
        viewer,
        action="membership.role_changed",
        community=community,
        target=locked,
        before=before,
        after={"user": locked.user_id, "role": role},
    )
    return locked


@transaction.atomic
def membership_remove(*, actor: Viewer | User, membership: Membership, reason: str = "") -> None:
    """Remove someone's membership, request or invitation (managers over moderators and members,
    owners and coordinators over everyone). The last owner cannot be removed."""
    viewer = as_viewer(actor)
    require(can_remove_member(viewer, membership))
    community, locked = _locked_pair(viewer, membership)
    require(can_remove_member(viewer, locked))
    _refuse_last_owner(community, locked)
    before = {"user": locked.user_id, "role": locked.role, "state": locked.state}
    was_active = locked.state == State.ACTIVE
    if locked.state == State.PENDING:
        events.membership_request_closed(locked, viewer.user_id)
    locked.delete()
    add_members(community, -1 if was_active else 0)
    if was_active:
        membership_event_record(
            community_id=community.pk, user_id=locked.user_id, kind=EventKind.REMOVED, role=locked.role
        )
    member_access_changed(locked.user_id, community.pk, reason="membership.removed")
    audit(viewer, action="membership.removed", community=community, target=locked, before=before, reason=reason)


@transaction.atomic
def membership_ban(*, actor: Viewer | User, community: Community, user: User, reason: str = "") -> Membership:
    """Ban a person from a community, whether or not they are a member.

    An active membership loses its role and stops counting; a request or invitation turns into the
    ban; without a row a banned row is created, so the person cannot join or read.
    """
    viewer = as_viewer(actor)
    require(can_manage_members(viewer, community))
    if user.pk == viewer.user_id:
        raise ValidationError(_("You cannot ban yourself."), code="self_ban")
    community = lock_community(community)
    existing = Membership.objects.select_for_update().filter(community=community, user=user).first()
    if existing is not None:
        existing.community, existing.user = community, user
    require(can_ban_member(viewer, community, existing))
    if existing is None:
        membership = Membership.objects.create(user=user, community=community, state=State.BANNED)
        before: dict[str, object] = {"user": user.pk, "state": None}
    else:
        _refuse_last_owner(community, existing)
        membership = existing
        before = {"user": user.pk, "role": membership.role, "state": membership.state}
        add_members(community, -1 if membership.state == State.ACTIVE else 0)
        if membership.state == State.PENDING:
            events.membership_request_closed(membership, viewer.user_id)
        membership.state = State.BANNED
        membership.role = Role.MEMBER
        membership.decided_by = acting_user(viewer)
        membership.decided_at = timezone.now()
        membership.save(update_fields=["state", "role", "decided_by", "decided_at", "updated_at"])
    was_role = str(before["role"]) if before.get("state") == State.ACTIVE else ""
    membership_event_record(community_id=community.pk, user_id=user.pk, kind=EventKind.BANNED, role=was_role)
    member_access_changed(user.pk, community.pk, reason="membership.banned")
    audit(
        viewer,
        action="membership.banned",
        community=community,
        target=membership,
        before=before,
        after={"user": user.pk, "state": State.BANNED},
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_unban(*, actor: Viewer | User, membership: Membership, reason: str = "") -> None:
    """Lift a ban: the row is deleted, so the person may join or ask again."""
    viewer = as_viewer(actor)
    require(can_unban_member(viewer, membership))
    community, locked = _locked_pair(viewer, membership)
    require(can_unban_member(viewer, locked))
    locked.delete()
    membership_event_record(community_id=community.pk, user_id=locked.user_id, kind=EventKind.UNBANNED)
    audit(
        viewer,
        action="membership.unbanned",
        community=community,
        target=locked,
        before={"user": locked.user_id, "state": State.BANNED},
        after={"user": locked.user_id, "state": None},
        reason=reason,
    )


@transaction.atomic
def membership_set_notification_level(*, actor: Viewer | User, community: Community, level: str) -> Membership:
    """Choose how much of a community one hears about (all posts, highlights, nothing)."""
    viewer = as_viewer(actor)
    require(can_change_own_notification_level(viewer, community))
    if level not in Membership.NotificationLevel.values:
        raise ValidationError(_("Choose one of the offered options."), code="invalid_choice")
    membership = Membership.objects.select_for_update().filter(community=community, user=acting_user(viewer)).first()
    if membership is None or membership.state != State.ACTIVE:
        forget_memberships(viewer)
        raise ValidationError(_("You are not a member of this community."), code="not_member")
    if membership.notification_level != level:
        membership.notification_level = level
        membership.save(update_fields=["notification_level", "updated_at"])
    return membership
