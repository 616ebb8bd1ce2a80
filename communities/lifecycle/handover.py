"""Ownership handovers: successor suggestions, the handover itself, and the deactivation path.

A community must never be left without an owner. Two doors lead to a new owner:

* :func:`community_handover`: a coordinator or the leaving owner names the successor;
* :func:`handle_user_deactivating`: the receiver of ``intranet.accounts.signals.user_deactivating``
  (sent by ``user_deactivate`` inside its transaction) promotes, for every active community where
  the person is the last active owner, the best successor in the same transaction.

Both write a :class:`HandoverRecord` and one audit row per community, and tell the new owner after
commit. When nobody is left to take over, the community is marked orphaned (its health row) and an
escalated inbox item tells the coordinators; the departing owner's row stays until then, so the
community keeps an owner of record and the coordinators a name to start from.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core import events as core_events
from communities.core.models import ROLE_RANK, Community, MemberMute, Membership, MembershipEvent
from communities.core.permissions import forget_memberships, is_coordinator
from communities.core.qualifications import certificates_for
from communities.core.realtime import member_access_changed
from communities.core.services._common import acting_user, add_members, audit, lock_community
from communities.core.signals import send_manager_appointed_on_commit
from communities.health.models import CommunityHealth
from communities.lifecycle import events
from communities.lifecycle.models import HandoverRecord
from communities.lifecycle.permissions import can_hand_over_community
from communities.posts.models import Comment, Post
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

logger = logging.getLogger(__name__)

Role = Membership.Role
State = Membership.State

#: Activity window for successor suggestions.
ACTIVITY_DAYS = 90
SUGGESTION_LIMIT = 5
#: How many of the most active members are looked at before qualifications re-rank them.
CANDIDATE_POOL = 30
REASON_MAX = 1000


@dataclass
class Successor:
    """A suggested successor with the figures the suggestion rests on."""

    user: Any
    role: str
    activity: int
    manages_elsewhere: int
    certificates: list[Any] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def qualified(self) -> bool:
        return bool(self.certificates) or self.manages_elsewhere > 0


def _candidates(community: Community, *, exclude_user_ids: set[int], now: dt.datetime) -> list[Successor]:
    """Active members with active accounts who are not muted, with their activity (two queries)."""
    since = now - dt.timedelta(days=ACTIVITY_DAYS)
    posts = (
        Post.objects.filter(community_id=community.pk, author_id=OuterRef("user_id"), created_at__gte=since)
        .filter(deleted_at__isnull=True)
        .order_by()
        .values("author_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    comments = (
        Comment.objects.filter(post__community_id=community.pk, author_id=OuterRef("user_id"), created_at__gte=since)
        .filter(deleted_at__isnull=True)
        .order_by()
        .values("author_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    elsewhere = (
        Membership.objects.filter(user_id=OuterRef("user_id"), state=State.ACTIVE, role__in=(Role.OWNER, Role.MANAGER))
        .exclude(community_id=community.pk)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    muted = MemberMute.objects.filter(community_id=community.pk, user_id=OuterRef("user_id"), until__gt=now)
    rows = (
        Membership.objects.filter(community_id=community.pk, state=State.ACTIVE, user__is_active=True)
        .exclude(role=Role.OWNER)
        .exclude(user_id__in=sorted(exclude_user_ids))
        .annotate(
            posts_n=Coalesce(Subquery(posts, output_field=IntegerField()), 0),
            comments_n=Coalesce(Subquery(comments, output_field=IntegerField()), 0),
            elsewhere_n=Coalesce(Subquery(elsewhere, output_field=IntegerField()), 0),
            is_muted=Exists(muted),
        )
        .filter(is_muted=False)
        .select_related("user")
        .order_by("-posts_n", "-comments_n", "-elsewhere_n", "pk")
    )
    # Managers and moderators always make the pool (the deactivation path prefers them).
    pool = list(rows.filter(Q(role__in=(Role.MANAGER, Role.MODERATOR))))
    seen = {m.pk for m in pool}
    pool += [m for m in rows[:CANDIDATE_POOL] if m.pk not in seen]
    result = [
        Successor(
            user=m.user,
            role=m.role,
            activity=m.posts_n + m.comments_n,  # type: ignore[attr-defined]
            manages_elsewhere=m.elsewhere_n,  # type: ignore[attr-defined]
        )
        for m in pool
    ]
    certificates = certificates_for([s.user.pk for s in result])
    for successor in result:
        successor.certificates = list(certificates.get(successor.user.pk, []))
    return result


def successor_suggestions(
    community: Community, *, limit: int = SUGGESTION_LIMIT, exclude_user_ids: set[int] | None = None
) -> list[Successor]:
    """The best people to take over ``community``: active, not muted, not already owners; those with
    a certificate or management experience elsewhere first, then by activity over 90 days.

    Three queries (candidates with their figures, managers among them, certificates).
    """
    candidates = _candidates(community, exclude_user_ids=exclude_user_ids or set(), now=timezone.now())
    candidates.sort(key=lambda s: (not s.qualified, -s.activity, -ROLE_RANK[s.role], s.user.pk))
    return candidates[:limit]


def best_successor(community: Community, *, exclude_user_ids: set[int]) -> Successor | None:
    """The successor the deactivation path promotes: an active manager first, then a moderator,
    then the most suitable member (same ranking as the suggestions within each role)."""
    candidates = _candidates(community, exclude_user_ids=exclude_user_ids, now=timezone.now())
    if not candidates:
        return None
    candidates.sort(key=lambda s: (-ROLE_RANK[s.role], not s.qualified, -s.activity, s.user.pk))
    return candidates[0]


# The handover -----------------------------------------------------------------------------------


def _make_owner(community: Community, user: Any) -> tuple[Membership, str | None]:
    """Give ``user`` the owner role in ``community`` (caller holds the community lock).

    Returns the row and the role held before (``None`` when the person was no active member).
    """
    row = Membership.objects.select_for_update().filter(community_id=community.pk, user_id=user.pk).first()
    if row is not None and row.state == State.BANNED:
        raise ValidationError(_("This person is banned from the community."), code="banned")
    if row is None:
        row = Membership.objects.create(community=community, user=user, role=Role.OWNER, state=State.ACTIVE)
        add_members(community, 1)
        return row, None
    previous = row.role if row.state == State.ACTIVE else None
    if row.state != State.ACTIVE:
        if row.state == State.PENDING:
            core_events.membership_request_closed(row)
        add_members(community, 1)
    row.state = State.ACTIVE
    row.role = Role.OWNER
    row.save(update_fields=["state", "role", "updated_at"])
    return row, previous


def _set_role(row: Membership, role: str) -> None:
    """Step an owner down (the lower role may no longer see what moderators see)."""
    row.role = role
    row.save(update_fields=["role", "updated_at"])
    member_access_changed(row.user_id, row.community_id, reason="membership.role_changed")


def _record_events(community: Community, changes: list[tuple[int, str]]) -> None:
    """Membership history for the health figures."""
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(community=community, user_id=uid, kind=MembershipEvent.Kind.ROLE_CHANGED, role=role)
            for uid, role in changes
        ]
    )


def _appointed_on_commit(community: Community, user_id: int) -> None:
    send_manager_appointed_on_commit(community_id=community.pk, user_id=user_id)


def _handover_notify_on_commit(record: HandoverRecord) -> None:
    events.handover_completed(record)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Please keep the reason under %(max)d characters.") % {"max": REASON_MAX}, code="too_long"
        )
    return reason


@transaction.atomic
def community_handover(
    *, actor: Viewer | User, community: Community, to_user: User, reason: str = "", replace_owners: bool = False
) -> HandoverRecord:
    """Make ``to_user`` an owner of ``community`` (coordinators, and active owners handing over).

    An owner who hands over steps down to manager. A coordinator adds the new owner; owners whose
    accounts are deactivated step down to member (they were the reason for the handover), and with
    ``replace_owners`` the active owners step down to manager as well.
    Locks the community, then the membership rows. The new owner is told after commit; an open
    "owner missing" escalation of the community is closed.
    """
    viewer = as_viewer(actor)
    require(can_hand_over_community(viewer, community))
    reason = _clean_reason(reason)
    community = lock_community(community)
    require(can_hand_over_community(viewer, community))
    if not to_user.is_active:
        raise ValidationError(_("This account is deactivated; choose someone else."), code="inactive")
    if to_user.pk == viewer.user_id and not _is_coordinator(viewer, community):
        raise ValidationError(_("You are already an owner of this community."), code="self")
    owners = list(
        Membership.objects.select_for_update()
        .filter(community_id=community.pk, role=Role.OWNER, state=State.ACTIVE)
        .select_related("user")
        .order_by("pk")
    )
    if any(o.user_id == to_user.pk for o in owners):
        raise ValidationError(_("This person is already an owner of this community."), code="already_owner")
    leaving = next((o for o in owners if o.user_id == viewer.user_id), None)
    changes: list[tuple[int, str]] = []
    from_user = None
    _row, previous = _make_owner(community, to_user)
    changes.append((to_user.pk, Role.OWNER))
    if leaving is not None:
        _set_role(leaving, Role.MANAGER)
        changes.append((leaving.user_id, Role.MANAGER))
        from_user = leaving.user
        forget_memberships(viewer)
    else:
        for gone in owners:
            if gone.user.is_active and not replace_owners:
                continue
            role = Role.MANAGER if gone.user.is_active else Role.MEMBER
            _set_role(gone, role)
            changes.append((gone.user_id, role))
            from_user = from_user or gone.user
    record = HandoverRecord.objects.create(
        community=community,
        from_user=from_user,
        to_user=to_user,
        by=acting_user(viewer),
        kind=HandoverRecord.Kind.MANUAL,
        reason=reason,
    )
    _record_events(community, changes)
    audit(
        viewer,
        action="community.handed_over",
        community=community,
        target=community,
        before={"owner": from_user.pk if from_user else None, "role": previous},
        after={"owner": to_user.pk, "handover": record.pk},
        reason=reason,
    )
    _appointed_on_commit(community, to_user.pk)
    _handover_notify_on_commit(record)
    return record


def _is_coordinator(viewer: Viewer, community: Community) -> bool:
    return is_coordinator(viewer, community)


# Account deactivation ---------------------------------------------------------------------------


def _escalate(community: Community, *, summary: str, reason: str, now: dt.datetime) -> None:
    """Record that the community misses an owner; the inbox escalates it so coordinators see it."""
    events.owner_missing(community.pk, summary=summary, reason=reason, at=now)


def _mark_orphaned(community: Community, now: dt.datetime) -> None:
    """Set the community's health state to orphaned until the next figures run (health's model)."""
    explanation = [{"code": "orphaned_deactivated", "params": {}}]
    CommunityHealth.objects.update_or_create(
        community=community,
        defaults={"state": CommunityHealth.State.ORPHANED, "explanation": explanation, "computed_at": now},
    )


def on_user_deactivating(sender: object, *, user: User, actor: Any, reason: str = "", **kwargs: object) -> None:
    """Receiver of accounts' ``user_deactivating`` signal (connected in ``CommunitiesConfig.ready``)."""
    handle_user_deactivating(user=user, actor=actor, reason=reason)


def handle_user_deactivating(*, user: User, actor: Any, reason: str = "") -> list[HandoverRecord]:
    """Keep every active community of ``user`` owned when their account is deactivated.

    Runs inside the deactivation's transaction (the signal is sent there). For each active community
    where ``user`` is the last owner with an active account, in primary-key order under lock: the
    best successor becomes owner (:func:`best_successor`), ``user`` steps down to member, a
    :class:`HandoverRecord` and an audit row are written and an escalated inbox item tells the
    coordinators; the new owner is notified after commit. Without anybody to take over, ``user``
    stays owner of record, the community is marked orphaned and the escalation asks the coordinators
    to find someone.
    """
    now = timezone.now()
    system = Viewer(actor) if actor is not None else Viewer(None)
    community_ids = list(
        Membership.objects.filter(
            user_id=user.pk, role=Role.OWNER, state=State.ACTIVE, community__lifecycle=Community.Lifecycle.ACTIVE
        )
        .order_by("community_id")
        .values_list("community_id", flat=True)
    )
    records: list[HandoverRecord] = []
    for community in Community.objects.select_for_update().filter(pk__in=community_ids).order_by("pk"):
        others = (
            Membership.objects.filter(
                community_id=community.pk, role=Role.OWNER, state=State.ACTIVE, user__is_active=True
            )
            .exclude(user_id=user.pk)
            .exists()
        )
        if others:
            continue
        successor = best_successor(community, exclude_user_ids={user.pk})
        if successor is None:
            _mark_orphaned(community, now)
            _escalate(
                community,
                summary=_("%(community)s has no owner any more") % {"community": community.name},
                reason=_("The last owner's account was deactivated and nobody else is left to take over."),
                now=now,
            )
            audit(
                system,
                action="community.orphaned",
                community=community,
                target=community,
                before={"owner": user.pk},
                after={"owner": None},
                reason=reason,
            )
            events.coordinators_alerted(community.pk, events.COMMUNITY_ORPHANED)
            continue
        _row, previous = _make_owner(community, successor.user)
        leaving = Membership.objects.select_for_update().get(community_id=community.pk, user_id=user.pk)
        _set_role(leaving, Role.MEMBER)
        record = HandoverRecord.objects.create(
            community=community,
            from_user=user,
            to_user=successor.user,
            by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
            kind=HandoverRecord.Kind.DEACTIVATION,
            reason=reason,
        )
        _record_events(community, [(successor.user.pk, Role.OWNER), (user.pk, Role.MEMBER)])
        audit(
            system,
            action="community.handed_over",
            community=community,
            target=community,
            before={"owner": user.pk, "role": previous},
            after={"owner": successor.user.pk, "handover": record.pk},
            reason=reason,
        )
        _escalate(
            community,
            summary=_("%(person)s took over %(community)s") % {"person": successor.user, "community": community.name},
            reason=_("The last owner's account was deactivated; a successor was appointed automatically."),
            now=now,
        )
        _appointed_on_commit(community, successor.user.pk)
        _handover_notify_on_commit(record)
        records.append(record)
    return records
