"""Access rules for moderation: reports, actions on content, member sanctions, rules, logs.

Query-free predicates over the object's fields, its (loaded) community and the viewer's cached maps
(role map with mutes, model permissions, coordinator scope), like the rest of the rulebook.

Decisions:

* anyone who can see a post, comment or direct message may report it, except their own;
* moderators and above (and coordinators in their scope) act on content: hide, restore, approve,
  reject, move (they must moderate both communities), and warn or mute people below their rank;
* managers and above (and coordinators) set the community's rules and watched words and read its
  moderation log; coordinators who coordinate everything manage platform-wide watched words and
  handle reports on direct messages (which belong to no community, so a scoped coordinator, whose
  reach is a set of communities, never sees them): dismiss, resolve, hide and restore the message;
* a coordinator's platform log covers the communities of their scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import can_moderate_community, coordinates_everything, is_coordinator, role_map
from communities.moderation.models import Report
from communities.posts.models import Comment, ContentStatus, Post
from communities.posts.permissions import (
    is_manager_or_above,
)
from intranet.core.switches import AuditReaderRole, may_read_audit_log
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

Role = Membership.Role
State = Membership.State


def _is_self(viewer: Viewer, user_id: int | None) -> bool:
    return viewer.user_id is not None and viewer.user_id == user_id


# Reports ----------------------------------------------------------------------------------------


def can_report_message(viewer: Viewer, *, author_id: int | None, is_participant: bool) -> bool:
    """Report a direct message: participants of its conversation, not its author."""
    return viewer.is_authenticated and is_participant and not _is_self(viewer, author_id)


def can_handle_report(viewer: Viewer, report: Report) -> bool:
    """Resolve or dismiss a report: moderators+ of its community; for direct messages, coordinators
    of everything."""
    if report.community is None:
        return coordinates_everything(viewer)
    return can_moderate_community(viewer, report.community)


def can_hide_message(viewer: Viewer, report: Report) -> bool:
    """Hide the direct message of an open report: coordinators of everything only. A conversation
    belongs to no community, so no community role and no scoped coordinator reaches it."""
    return report.message_id is not None and report.status == Report.Status.OPEN and coordinates_everything(viewer)


def can_restore_message(viewer: Viewer) -> bool:
    """Undo the hiding of a direct message: coordinators of everything."""
    return coordinates_everything(viewer)


def can_view_message_reports(viewer: Viewer) -> bool:
    """The "Direct messages" list of the inbox: coordinators of everything (staff, unscoped holders
    of ``communities.coordinate``)."""
    return coordinates_everything(viewer)


# Content ----------------------------------------------------------------------------------------


def can_hide_post(viewer: Viewer, post: Post) -> bool:
    return (
        post.deleted_at is None
        and post.status == ContentStatus.PUBLISHED
        and can_moderate_community(viewer, post.community)
    )


def can_restore_post(viewer: Viewer, post: Post) -> bool:
    return (
        post.deleted_at is None
        and post.status == ContentStatus.HIDDEN
        and can_moderate_community(viewer, post.community)
    )


def can_review_post(viewer: Viewer, post: Post) -> bool:
    """Approve or reject a held (pending) post."""
    return (
        post.deleted_at is None
        and post.status == ContentStatus.PENDING
        and can_moderate_community(viewer, post.community)
    )


def can_move_post(viewer: Viewer, post: Post, target: Community | None = None) -> bool:
    """Move a post to another community: moderate the post's community and (given) the target,
    which must be active and not the same."""
    if post.deleted_at is not None or not can_moderate_community(viewer, post.community):
        return False
    if target is None:
        return True
    return target.pk != post.community_id and not target.is_archived and can_moderate_community(viewer, target)


def can_hide_comment(viewer: Viewer, comment: Comment) -> bool:
    return (
        comment.deleted_at is None
        and comment.status == ContentStatus.PUBLISHED
        and can_moderate_community(viewer, comment.post.community)
    )


def can_reject_comment(viewer: Viewer, comment: Comment) -> bool:
    """Refuse a held (pending) comment."""
    return (
        comment.deleted_at is None
        and comment.status == ContentStatus.PENDING
        and can_moderate_community(viewer, comment.post.community)
    )


def can_restore_comment(viewer: Viewer, comment: Comment) -> bool:
    """Publish a hidden or held comment again."""
    return (
        comment.deleted_at is None
        and comment.status != ContentStatus.PUBLISHED
        and can_moderate_community(viewer, comment.post.community)
    )


# People -----------------------------------------------------------------------------------------


def _target_rank(community: Community, target_role: str | None) -> int:
    return ROLE_RANK.get(target_role or Role.MEMBER, 1)


def _viewer_rank(viewer: Viewer, community: Community) -> int:
    entry = role_map(viewer).get(community.pk) if viewer.is_authenticated else None
    if entry is None or entry[1] != State.ACTIVE:
        return 0
    return ROLE_RANK[entry[0]]


def can_sanction_member(viewer: Viewer, community: Community, user: User, target_role: str | None = None) -> bool:
    """Warn or mute ``user`` in ``community`` (``target_role``: their active role there, if any).

    Moderators+ (and coordinators in scope), never themselves, and only people of a lower role
    (coordinators and owners: anyone but themselves).
    """
    if _is_self(viewer, user.pk) or not can_moderate_community(viewer, community):
        return False
    if is_coordinator(viewer, community):
        return True
    rank = _viewer_rank(viewer, community)
    return rank == ROLE_RANK[Role.OWNER] or rank > _target_rank(community, target_role)


# Rules and logs ---------------------------------------------------------------------------------


def can_manage_rules(viewer: Viewer, community: Community) -> bool:
    """Set pre-moderation, rate limits, tonality and watched words: managers+ and coordinators."""
    return not community.is_archived and is_manager_or_above(viewer, community)


def can_view_moderation_log(viewer: Viewer, community: Community) -> bool:
    """Managers+ and coordinators of the community, as far as the works-council switch
    ``PRIVACY_AUDIT_READERS`` lets each role read audit logs."""
    if is_coordinator(viewer, community) and may_read_audit_log(viewer, role=AuditReaderRole.COORDINATOR):
        return True
    return is_manager_or_above(viewer, community) and may_read_audit_log(viewer, role=AuditReaderRole.MANAGER)


def can_view_platform_log(viewer: Viewer) -> bool:
    """Coordinators, unless ``PRIVACY_AUDIT_READERS`` keeps audit logs for superusers only."""
    return is_coordinator(viewer) and may_read_audit_log(viewer, role=AuditReaderRole.COORDINATOR)


def can_manage_platform_words(viewer: Viewer) -> bool:
    return coordinates_everything(viewer)
