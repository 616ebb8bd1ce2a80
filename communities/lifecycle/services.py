"""Lifecycle campaigns, archiving without answer, merges and their undoing, coordinator notes.

Timing of a case (see :mod:`communities.lifecycle.models`): the owners are asked; after 7 days
without answer they are reminded; 3 days before the deadline (21 days by default) they are warned;
at the deadline the community is archived (read-only, reversible by coordinators). An answer stops
the clock: "keep" closes the case, "archive" archives at once, "merge" merges at once when a
coordinator answers, or waits for a coordinator when an owner asks for it.

Every action writes one audit row in its transaction; notifications go out after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import coordinated_q, is_coordinator
from communities.core.realtime import community_access_changed
from communities.core.services._common import audit, lock_community
from communities.core.services.community import community_recount_members
from communities.health.models import CommunityHealth
from communities.lifecycle import events
from communities.lifecycle.models import (
    DEFAULT_ANSWER_DAYS,
    CampaignCase,
    CoordinatorNote,
    LifecycleCampaign,
    MergeRecord,
)
from communities.lifecycle.permissions import (
    can_answer_campaign_case,
    can_merge_communities,
    can_restore_community,
    can_start_campaign,
    can_unmerge,
    can_write_coordinator_note,
)
from communities.posts.models import ContentStatus, Post
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

Role = Membership.Role
State = Membership.State
Answer = CampaignCase.Answer
Outcome = CampaignCase.Outcome

TITLE_MAX = 200
NOTE_MAX = 5000
NEXT_ACTION_MAX = 300


def _actor_user(viewer: Viewer) -> Any:
    return viewer.user if viewer.is_authenticated else None


def _on_commit_stage(case_ids: list[int], stage: str) -> None:
    events.campaign_stage_reached(case_ids, stage)


def _dormant_ids(viewer: Viewer | None, community_ids: Iterable[int] | None) -> list[int]:
    """Active, dormant communities (health state) without an open case, within the actor's reach."""
    qs = Community.objects.filter(lifecycle=Community.Lifecycle.ACTIVE, health__state=CommunityHealth.State.DORMANT)
    if community_ids is not None:
        qs = qs.filter(pk__in=sorted(set(community_ids)))
    if viewer is not None:
        qs = qs.filter(coordinated_q(viewer))
    open_case = CampaignCase.objects.filter(community=OuterRef("pk"), closed_at__isnull=True)
    qs = qs.exclude(Exists(open_case))
    return list(qs.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def campaign_start(
    *,
    actor: Viewer | User | None,
    title: str = "",
    community_ids: Iterable[int] | None = None,
    answer_days: int = DEFAULT_ANSWER_DAYS,
) -> LifecycleCampaign | None:
    """Ask the owners of dormant communities whether they are still needed.

    ``actor=None`` is the weekly schedule (every dormant community); a coordinator reaches only the
    communities in their scope (optionally narrowed to ``community_ids``). Communities with an open
    case are skipped. Returns ``None`` when nothing was left to ask (no campaign row, no audit).
    """
    viewer = as_viewer(actor) if actor is not None else None
    if viewer is not None:
        require(can_start_campaign(viewer))
    if not 3 < answer_days <= 180:
        raise ValidationError(_("Choose between 4 and 180 days to answer."), code="answer_days")
    title = (title or "").strip()[:TITLE_MAX]
    now = timezone.now()
    ids = _dormant_ids(viewer, community_ids)
    if not ids:
        return None
    campaign = LifecycleCampaign.objects.create(
        title=title or _("Dormant communities, %(date)s") % {"date": now.date().isoformat()},
        source=LifecycleCampaign.Source.COORDINATOR if viewer is not None else LifecycleCampaign.Source.SCHEDULE,
        created_by=_actor_user(viewer) if viewer is not None else None,
        answer_days=answer_days,
        created_at=now,
    )
    deadline = now + dt.timedelta(days=answer_days)
    cases = CampaignCase.objects.bulk_create(
        [CampaignCase(campaign=campaign, community_id=cid, asked_at=now, deadline=deadline) for cid in ids]
    )
    audit_log(
        actor=_actor_user(viewer) if viewer is not None else None,
        action="lifecycle.campaign_started",
        target=campaign,
        scope="console",
        after={"communities": ids, "answer_days": answer_days},
    )
    _on_commit_stage([c.pk for c in cases], "ask")
    return campaign


def _lock_case(case: CampaignCase) -> CampaignCase:
    return CampaignCase.objects.select_for_update().select_related("community").get(pk=case.pk)


def _archive(viewer: Viewer | None, community: Community, *, action: str, reason: str) -> Community:
    """Archive ``community`` (caller holds its lock and checked permission); one audit row."""
    if community.is_archived:
        return community
    community.lifecycle = Community.Lifecycle.ARCHIVED
    community.archived_at = timezone.now()
    community.save(update_fields=["lifecycle", "archived_at", "updated_at"])
    community_access_changed(community, reason="community.archived")
    audit(
        viewer or Viewer(None),
        action=action,
        community=community,
        target=community,
        before={"lifecycle": Community.Lifecycle.ACTIVE},
        after={"lifecycle": Community.Lifecycle.ARCHIVED},
        reason=reason,
    )
    return community


def _close(case: CampaignCase, outcome: str, now: dt.datetime) -> None:
    case.outcome = outcome
    case.closed_at = now
    case.save(update_fields=["outcome", "closed_at"])


@transaction.atomic
def campaign_case_answer(
    *, actor: Viewer | User, case: CampaignCase, answer: str, merge_target: Community | None = None
) -> CampaignCase:
    """Answer the lifecycle question for one community (its owners or coordinators).

    "keep" closes the case; "archive" archives the community now; "merge" merges it into
    ``merge_target`` now when a coordinator of both answers, otherwise records the wish and leaves
    the merge to a coordinator (the clock stops either way). One audit row for the answer (plus the
    archive's or merge's own).
    """
    viewer = as_viewer(actor)
    require(can_answer_campaign_case(viewer, case))
    if answer not in Answer.values:
        raise ValidationError(_("Choose one of the answers."), code="answer")
    if answer == Answer.MERGE:
        if merge_target is None:
            raise ValidationError(_("Choose the community to merge into."), code="merge_target")
        if merge_target.pk == case.community_id or merge_target.is_archived:
            raise ValidationError(_("Choose another, active community to merge into."), code="merge_target")
    community = lock_community(case.community)
    locked = _lock_case(case)
    locked.community = community
    require(can_answer_campaign_case(viewer, locked))
    now = timezone.now()
    locked.answer = answer
    locked.answered_at = now
    locked.answered_by = _actor_user(viewer)
    locked.merge_target = merge_target if answer == Answer.MERGE else None
    locked.save(update_fields=["answer", "answered_at", "answered_by", "merge_target"])
    audit(
        viewer,
        action="lifecycle.answered",
        community=community,
        target=community,
        after={"case": locked.pk, "answer": answer, "merge_target": merge_target.pk if merge_target else None},
    )
    if answer == Answer.KEEP:
        _close(locked, Outcome.KEPT, now)
    elif answer == Answer.ARCHIVE:
        _archive(viewer, community, action="community.archived", reason=_("Answer to the lifecycle question"))
        _close(locked, Outcome.ARCHIVED, now)
    else:
        assert merge_target is not None
        if is_coordinator(viewer, community) and is_coordinator(viewer, merge_target):
            _merge(viewer, community, merge_target, reason=_("Answer to the lifecycle question"))
            _close(locked, Outcome.MERGED, now)
        else:
            locked.outcome = Outcome.MERGE_REQUESTED
            locked.save(update_fields=["outcome"])
            events.coordinators_alerted(community.pk, events.MERGE_REQUESTED)
    return locked


def lifecycle_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Move every unanswered open case along its timeline (the periodic job; safe to run twice).

    Reminds after 7 days, warns 3 days before the deadline, archives at the deadline. Each case is
    handled in its own transaction under a row lock (``SKIP LOCKED`` lets a parallel run pass by).
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "warned": 0, "archived": 0}
    open_cases = CampaignCase.objects.filter(closed_at__isnull=True, answered_at__isnull=True)
    due = open_cases.filter(
        Q(deadline__lte=now)
        | Q(warned_at__isnull=True, deadline__lte=now + dt.timedelta(days=3))
        | Q(reminded_at__isnull=True, warned_at__isnull=True, asked_at__lte=now - dt.timedelta(days=7))
    )
    for case_id in due.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=500):
        stage = _tick_one(case_id, now)
        if stage:
            counts[stage] += 1
    return counts


@transaction.atomic
def _tick_one(case_id: int, now: dt.datetime) -> str | None:
    case = (
        CampaignCase.objects.select_for_update(skip_locked=True)
        .filter(pk=case_id, closed_at__isnull=True, answered_at__isnull=True)
        .first()
    )
    if case is None:
        return None
    if case.deadline <= now:
        community = Community.objects.select_for_update().get(pk=case.community_id)
        _archive(None, community, action="community.archived", reason=_("No answer to the lifecycle question"))
        _close(case, Outcome.EXPIRED, now)
        _on_commit_stage([case.pk], "archived")
        return "archived"
    if case.warned_at is None and case.warn_at <= now:
        case.warned_at = now
        case.save(update_fields=["warned_at"])
        _on_commit_stage([case.pk], "warn")
        return "warned"
    if case.reminded_at is None and case.warned_at is None and case.remind_at <= now:
        case.reminded_at = now
        case.save(update_fields=["reminded_at"])
        _on_commit_stage([case.pk], "remind")
        return "reminded"
    return None


# Merge ------------------------------------------------------------------------------------------


def _recount(community_ids: list[int]) -> None:
    """Stored member and post counters from the rows (one UPDATE each)."""
    community_recount_members(community_ids=community_ids)
    published = (
        Post.objects.filter(community=OuterRef("pk"), status=ContentStatus.PUBLISHED, deleted_at__isnull=True)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Community.objects.filter(pk__in=community_ids).update(
        post_count=Coalesce(Subquery(published, output_field=IntegerField()), 0)
    )


def _lock_pair(a: Community, b: Community) -> tuple[Community, Community]:
    """Lock two communities in primary-key order (the order every service uses)."""
    first, second = sorted([a, b], key=lambda c: c.pk)
    locked = {c.pk: c for c in (lock_community(first), lock_community(second))}
    return locked[a.pk], locked[b.pk]


def _merge(viewer: Viewer, source: Community, target: Community, *, reason: str) -> MergeRecord:
    source, target = _lock_pair(source, target)
    require(can_merge_communities(viewer, source, target))
    if source.merged_into_id is not None and source.is_archived:
        done = (
            MergeRecord.objects.filter(source=source, target=target, reversed_at__isnull=True).order_by("-pk").first()
        )
        if source.merged_into_id == target.pk and done is not None:
            # A repeated confirmation (double click, resent form): the merge happened once.
            return done
        raise ValidationError(_("This community was already merged into another community."), code="merged")
    rows = list(Membership.objects.select_for_update().filter(community_id=source.pk).order_by("pk"))
    in_target = {
        m.user_id: m
        for m in Membership.objects.select_for_update().filter(
            community_id=target.pk, user_id__in=[r.user_id for r in rows]
        )
    }
    moved: list[int] = []
    raised: dict[str, str] = {}
    for row in rows:
        there = in_target.get(row.user_id)
        if there is None:
            moved.append(row.pk)
        elif there.state == State.ACTIVE and row.state == State.ACTIVE and ROLE_RANK[row.role] > ROLE_RANK[there.role]:
            raised[str(there.pk)] = there.role
            there.role = row.role
            there.save(update_fields=["role", "updated_at"])
    Membership.objects.filter(pk__in=moved).update(community_id=target.pk, updated_at=timezone.now())
    post_ids = list(Post.objects.filter(community_id=source.pk).order_by("pk").values_list("pk", flat=True))
    Post.objects.filter(pk__in=post_ids).update(community_id=target.pk)
    was_active = not source.is_archived
    record = MergeRecord.objects.create(
        source=source,
        target=target,
        by=_actor_user(viewer),
        reason=reason[:1000],
        moved_membership_ids=moved,
        raised_roles=raised,
        moved_post_ids=post_ids,
        source_was_active=was_active,
    )
    _recount([source.pk, target.pk])
    Community.objects.filter(pk=target.pk).update(
        last_activity_at=Greatest(
            "last_activity_at", Subquery(Community.objects.filter(pk=source.pk).values("last_activity_at")[:1])
        )
    )
    source.merged_into = target
    fields = ["merged_into", "updated_at"]
    if was_active:
        source.lifecycle = Community.Lifecycle.ARCHIVED
        source.archived_at = timezone.now()
        fields += ["lifecycle", "archived_at"]
    source.save(update_fields=fields)
    audit(
        viewer,
        action="community.merged",
        community=source,
        target=source,
        before={"lifecycle": Community.Lifecycle.ACTIVE if was_active else Community.Lifecycle.ARCHIVED},
        after={
            "into": target.pk,
            "merge": record.pk,
            "memberships": len(moved),
            "raised_roles": len(raised),
            "posts": len(post_ids),
        },
        reason=reason,
    )
    CampaignCase.objects.filter(community_id=source.pk, closed_at__isnull=True).update(
        outcome=Outcome.MERGED, closed_at=timezone.now()
    )
    events.community_merged(record)
    # The source's readers and open post pages re-check: the posts now live in the target.
    community_access_changed(source, reason="community.merged")
    return record


@transaction.atomic
def community_merge(*, actor: Viewer | User, source: Community, target: Community, reason: str = "") -> MergeRecord:
    """Merge ``source`` into ``target`` (coordinators of both).

    Members move with their roles; people already in the target keep their row there, raised to the
    role they held in the source if that was higher (their source row stays behind). Posts move with
    their comments. Both counters are recomputed, the source is archived and remembers the target
    (``merged_into``, for its banner), and a :class:`MergeRecord` keeps what moved so
    :func:`community_unmerge` can put it back. Locks both communities in primary-key order.
    Idempotent: merging a source again into the target it went to returns the first record without
    a second audit row; into another community it is refused.
    """
    viewer = as_viewer(actor)
    require(can_merge_communities(viewer, source, target))
    return _merge(viewer, source, target, reason=(reason or "").strip())


@transaction.atomic
def community_unmerge(*, actor: Viewer | User, record: MergeRecord, reason: str = "") -> MergeRecord:
    """Undo a merge: moved members and posts go back, raised roles drop back, the source becomes
    active again if it was before (coordinators of both). A raised owner keeps the owner role when
    the target would otherwise be left without one."""
    viewer = as_viewer(actor)
    require(can_unmerge(viewer, record.source, record.target))
    source, target = _lock_pair(record.source, record.target)
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    require(can_unmerge(viewer, source, target))
    if record.reversed_at is not None:
        raise ValidationError(_("This merge has already been undone."), code="reversed")
    Membership.objects.filter(pk__in=record.moved_membership_ids, community_id=target.pk).update(
        community_id=source.pk, updated_at=timezone.now()
    )
    for pk, role in sorted(record.raised_roles.items()):
        row = Membership.objects.select_for_update().filter(pk=int(pk), community_id=target.pk).first()
        if row is None or row.state != State.ACTIVE:
            continue
        if row.role == Role.OWNER and role != Role.OWNER:
            other_owner = (
                Membership.objects.filter(community_id=target.pk, role=Role.OWNER, state=State.ACTIVE)
                .exclude(pk=row.pk)
                .exists()
            )
            if not other_owner:
                continue
        row.role = role
        row.save(update_fields=["role", "updated_at"])
    Post.objects.filter(pk__in=record.moved_post_ids, community_id=target.pk).update(community_id=source.pk)
    _recount([source.pk, target.pk])
    fields = ["merged_into", "updated_at"]
    source.merged_into = None
    if record.source_was_active and source.is_archived:
        source.lifecycle = Community.Lifecycle.ACTIVE
        source.archived_at = None
        fields += ["lifecycle", "archived_at"]
    source.save(update_fields=fields)
    record.reversed_at = timezone.now()
    record.reversed_by = _actor_user(viewer)
    record.save(update_fields=["reversed_at", "reversed_by"])
    audit(
        viewer,
        action="community.unmerged",
        community=source,
        target=source,
        before={"into": target.pk, "merge": record.pk},
        after={"lifecycle": source.lifecycle},
        reason=(reason or "").strip(),
    )
    events.community_unmerged(record)
    # Members and posts left the target: whoever held it (or one of the posts) re-checks.
    community_access_changed(target, reason="community.unmerged")
    return record


@transaction.atomic
def community_restore(*, actor: Viewer | User, community: Community, reason: str = "") -> Community:
    """Unarchive a community from the console (its coordinators); one audit row."""
    viewer = as_viewer(actor)
    require(can_restore_community(viewer, community))
    community = lock_community(community)
    require(can_restore_community(viewer, community))
    community.lifecycle = Community.Lifecycle.ACTIVE
    community.archived_at = None
    community.save(update_fields=["lifecycle", "archived_at", "updated_at"])
    audit(
        viewer,
        action="community.unarchived",
        community=community,
        target=community,
        before={"lifecycle": Community.Lifecycle.ARCHIVED},
        after={"lifecycle": Community.Lifecycle.ACTIVE},
        reason=(reason or "").strip(),
    )
    return community


# Coordinator notes --------------------------------------------------------------------------------


@idempotent("lifecycle.coordinator_note_add", replay=lambda pk: CoordinatorNote.objects.get(pk=pk))
def coordinator_note_add(
    *,
    actor: Viewer | User,
    manager: User,
    text: str,
    next_action: str = "",
    next_action_due: dt.date | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> CoordinatorNote:
    """Write a private note on a community manager (coordinators; never on oneself). Audited
    without the text (the note is the coordinators' own record). With ``idempotency_key`` (the
    form's), sending the same form again returns the note it wrote."""
    viewer = as_viewer(actor)
    require(can_write_coordinator_note(viewer, manager))
    text = (text or "").strip()
    next_action = (next_action or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Please write a note.")]
    elif len(text) > NOTE_MAX:
        errors["text"] = [_("Please keep the note under %(max)d characters.") % {"max": NOTE_MAX}]
    if len(next_action) > NEXT_ACTION_MAX:
        errors["next_action"] = [_("Please keep the next action under %(max)d characters.") % {"max": NEXT_ACTION_MAX}]
    if next_action_due is not None and not next_action:
        errors["next_action"] = [_("Say what the next action is, or leave the date empty.")]
    if errors:
        raise ValidationError(errors)
    note = CoordinatorNote.objects.create(
        manager=manager,
        author=_actor_user(viewer),
        text=text,
        next_action=next_action,
        next_action_due=next_action_due,
    )
    audit_log(actor=_actor_user(viewer), action="coordinator.note_added", target=note, scope=f"user:{manager.pk}")
    return note
