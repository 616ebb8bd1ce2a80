"""Writes of inspiration tandems: suggestions refresh, proposals, the lifecycle, meetings, learnings.

Every lifecycle service takes the tandem's row lock, checks the permission on the locked row, writes
exactly one audit row in its transaction and records its outbox event (:mod:`meetups.tandems.events`);
the notifications follow from there.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from communities.api import Community
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.markdown import render_markdown
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer
from meetups.organisations.models import Organisation

from . import events, scoring
from .models import MAX_LEARNINGS_LENGTH, MAX_NOTES_LENGTH, PartnerCommunity, Tandem, TandemMeeting, TandemSuggestion
from .permissions import (
    can_accept_tandem,
    can_close_tandem,
    can_decline_tandem,
    can_enter_partner_community,
    can_log_tandem_meeting,
    can_propose_tandem,
    can_propose_tandems_in_bulk,
    can_withdraw_tandem,
    can_write_tandem_learnings,
    manages,
    pending_side,
)
from .suggestions import compute_suggestions

if TYPE_CHECKING:
    from intranet.accounts.models import User

State = Tandem.State


def _acting_user(viewer: Viewer) -> User:
    if not viewer.is_authenticated:
        raise PermissionDenied
    return viewer.user  # type: ignore[return-value]


# Suggestions ------------------------------------------------------------------------------------


def tandem_suggestions_refresh(community_ids: Sequence[int] | None = None) -> int:
    """Recompute stored suggestions: all of them (``None``), or those of some communities.

    Pairs are stored in both directions. A full refresh replaces the table in one transaction; a
    partial one replaces the rows touching the given communities. Returns the rows written.
    Run by the nightly beat job (``meetups.tandem_suggestions_refresh``); safe to run twice.
    """
    now = timezone.now()
    computed = compute_suggestions(community_ids, now=now)
    pairs: dict[tuple[int, int], scoring.Scored] = {}
    for cid, scored in computed.items():
        for s in scored:
            pairs[(cid, s.other_id)] = s
            pairs.setdefault((s.other_id, cid), scoring.Scored(other_id=cid, score=s.score, reasons=s.reasons))
    rows = [
        TandemSuggestion(community_id=a, other_id=b, score=s.score, reasons=s.reasons, computed_at=now)
        for (a, b), s in pairs.items()
    ]
    with transaction.atomic():
        if community_ids is None:
            TandemSuggestion.objects.all().delete()
        else:
            ids = list(community_ids)
            TandemSuggestion.objects.filter(models.Q(community_id__in=ids) | models.Q(other_id__in=ids)).delete()
        TandemSuggestion.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["community", "other"],
            update_fields=["score", "reasons", "computed_at"],
        )
    return len(rows)


# Partner communities ----------------------------------------------------------------------------


@idempotent("tandems.partner_community_create", replay=lambda pk: PartnerCommunity.objects.get(pk=pk))
def partner_community_create(
    *,
    actor: Viewer | User,
    organisation: Organisation,
    name: str,
    contact_name: str,
    description: str = "",
    topics: str = "",
    language: str = PartnerCommunity.Language.GERMAN,
    approx_members: int | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> PartnerCommunity:
    """Enter a community of a partner organisation by hand (coordinators and community managers).
    With ``idempotency_key`` (the form's), sending the same form again returns the one entered."""
    viewer = as_viewer(actor)
    require(can_enter_partner_community(viewer))
    name = " ".join((name or "").split())[:160]
    contact_name = " ".join((contact_name or "").split())[:160]
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the partner community a name.")
    if not contact_name:
        errors["contact_name"] = _("Name the contact person at the partner.")
    if language not in PartnerCommunity.Language.values:
        errors["language"] = _("Choose a language.")
    if errors:
        raise ValidationError(errors)
    partner = PartnerCommunity.objects.create(
        organisation=organisation,
        name=name,
        contact_name=contact_name,
        description=(description or "").strip()[:3000],
        topics=", ".join(t.strip().lstrip("#") for t in (topics or "").split(",") if t.strip())[:300],
        language=language,
        approx_members=approx_members,
        created_by=_acting_user(viewer),
    )
    audit_log(actor=viewer.user, action="tandem.partner_created", target=partner, after={"name": partner.name})
    return partner


# Proposals --------------------------------------------------------------------------------------


def _lock(tandem: Tandem) -> Tandem:
    return (
        Tandem.objects.select_for_update(of=("self",))
        .select_related("community", "other_community", "partner")
        .get(pk=tandem.pk)
    )


def _suggestion(community: Community, other: Community | None) -> TandemSuggestion | None:
    if other is None:
        return None
    return TandemSuggestion.objects.filter(community=community, other=other).first()


@idempotent("tandems.tandem_propose", replay=lambda pk: Tandem.objects.get(pk=pk))
def tandem_propose(
    *,
    actor: Viewer | User,
    community: Community,
    other: Community | None = None,
    partner: PartnerCommunity | None = None,
    message: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Tandem:
    """Propose a tandem of ``community`` with ``other`` or with a ``partner`` community.

    A proposer who manages a side has accepted for it already; a partner community's contact agreed
    when the tandem was entered, so that side counts as accepted. The pair's suggestion (if any)
    gives score and reasons. ``ValidationError`` when the pair already has an open tandem. With
    ``idempotency_key`` (the form's), sending the same form again returns the tandem it proposed
    instead of that error.
    """
    viewer = as_viewer(actor)
    require((other is None) != (partner is None))
    require(can_propose_tandem(viewer, community, other))
    user = _acting_user(viewer)
    now = timezone.now()
    suggestion = _suggestion(community, other)
    tandem = Tandem(
        community=community,
        other_community=other,
        partner=partner,
        message=(message or "").strip()[:1000],
        proposed_by=user,
        proposed_at=now,
        score=suggestion.score if suggestion else 0,
        reasons=suggestion.reasons if suggestion else [],
    )
    if manages(viewer, community):
        tandem.accepted_a_by, tandem.accepted_a_at = user, now
    if other is not None and manages(viewer, other):
        tandem.accepted_b_by, tandem.accepted_b_at = user, now
    if partner is not None:
        tandem.accepted_b_at = now
    if tandem.accepted_a_at and tandem.accepted_b_at:
        tandem.state, tandem.activated_at = State.ACTIVE, now
    try:
        with transaction.atomic():
            tandem.save()
    except IntegrityError:
        raise ValidationError(_("These two communities already have an open tandem."), code="exists") from None
    audit_log(
        actor=user,
        action="tandem.proposed",
        target=tandem,
        after={
            "community": community.pk,
            "other": other.pk if other else None,
            "partner": partner.pk if partner else None,
        },
    )
    events.tandem_proposed(tandem, actor=user)
    return tandem


@dataclass
class BulkResult:
    created: list[Tandem]
    skipped: list[tuple[int, str]]


def tandem_propose_bulk(*, actor: Viewer | User, suggestion_ids: Sequence[int], message: str = "") -> BulkResult:
    """Coordinators propose many suggested pairs at once; each is its own proposal (own audit row,
    own notifications). Pairs the coordinator may not propose, or that have an open tandem by now,
    are skipped with a reason; the others go through."""
    viewer = as_viewer(actor)
    require(can_propose_tandems_in_bulk(viewer))
    suggestions = list(
        TandemSuggestion.objects.filter(pk__in=list(suggestion_ids)[:200])
        .select_related("community__category", "other__category")
        .order_by("-score", "pk")
    )
    result = BulkResult(created=[], skipped=[])
    for s in suggestions:
        if not can_propose_tandem(viewer, s.community, s.other):
            result.skipped.append((s.pk, _("not allowed")))
            continue
        try:
            result.created.append(tandem_propose(actor=viewer, community=s.community, other=s.other, message=message))
        except ValidationError:
            result.skipped.append((s.pk, _("already in a tandem")))
    return result


# Lifecycle --------------------------------------------------------------------------------------


@transaction.atomic
def tandem_accept(*, actor: Viewer | User, tandem: Tandem) -> Tandem:
    """Accept for the side the actor manages; the tandem becomes active once both sides accepted."""
    viewer = as_viewer(actor)
    locked = _lock(tandem)
    require(can_accept_tandem(viewer, locked))
    user = _acting_user(viewer)
    now = timezone.now()
    side = pending_side(viewer, locked)
    fields = ["updated_at"]
    if side == "a":
        locked.accepted_a_by, locked.accepted_a_at = user, now
        fields += ["accepted_a_by", "accepted_a_at"]
    else:
        locked.accepted_b_by, locked.accepted_b_at = user, now
        fields += ["accepted_b_by", "accepted_b_at"]
    started = locked.accepted_a_at is not None and locked.accepted_b_at is not None
    if started:
        locked.state, locked.activated_at = State.ACTIVE, now
        fields += ["state", "activated_at"]
    locked.save(update_fields=fields)
    audit_log(actor=user, action="tandem.accepted", target=locked, after={"side": side, "state": locked.state})
    if started:
        events.tandem_started(locked, actor=user)
    else:
        events.tandem_accepted(locked, actor=user)
    return locked


def _end(*, actor: Viewer | User, tandem: Tandem, state: str, allowed: Any, reason: str, action: str) -> Tandem:
    viewer = as_viewer(actor)
    locked = _lock(tandem)
    require(allowed(viewer, locked))
    user = _acting_user(viewer)
    before = locked.state
    locked.state = state
    locked.ended_at = timezone.now()
    locked.ended_by = user
    locked.end_reason = (reason or "").strip()[:1000]
    locked.save(update_fields=["state", "ended_at", "ended_by", "end_reason", "updated_at"])
    audit_log(
        actor=user,
        action=action,
        target=locked,
        reason=locked.end_reason,
        before={"state": before},
        after={"state": state},
    )
    events.tandem_ended(locked, state=state, actor=user)
    return locked


@transaction.atomic
def tandem_decline(*, actor: Viewer | User, tandem: Tandem, reason: str = "") -> Tandem:
    """A side's manager declines a proposal."""
    return _end(
        actor=actor,
        tandem=tandem,
        state=State.DECLINED,
        allowed=can_decline_tandem,
        reason=reason,
        action="tandem.declined",
    )


@transaction.atomic
def tandem_withdraw(*, actor: Viewer | User, tandem: Tandem, reason: str = "") -> Tandem:
    """The proposer or a coordinator withdraws a proposal, or a side leaves an active tandem."""
    return _end(
        actor=actor,
        tandem=tandem,
        state=State.WITHDRAWN,
        allowed=can_withdraw_tandem,
        reason=reason,
        action="tandem.withdrawn",
    )


@transaction.atomic
def tandem_close(*, actor: Viewer | User, tandem: Tandem, reason: str = "") -> Tandem:
    """Finish an active tandem (learnings may still be written and shared afterwards)."""
    return _end(
        actor=actor, tandem=tandem, state=State.CLOSED, allowed=can_close_tandem, reason=reason, action="tandem.closed"
    )


@idempotent("tandems.meeting_log", replay=lambda pk: TandemMeeting.objects.get(pk=pk))
def tandem_meeting_log(
    *, actor: Viewer | User, tandem: Tandem, date: dt.date, notes: str = "", idempotency_key: uuid.UUID | None = None
) -> TandemMeeting:
    """Log a meeting of an active tandem (Markdown notes, sanitized). With ``idempotency_key`` (the
    form's), sending the same form again returns the meeting it logged."""
    viewer = as_viewer(actor)
    locked = _lock(tandem)
    require(can_log_tandem_meeting(viewer, locked))
    user = _acting_user(viewer)
    text = (notes or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if len(text) > MAX_NOTES_LENGTH:
        errors["notes"] = _("Notes can have at most %(limit)s characters.") % {
            "limit": number_format(MAX_NOTES_LENGTH, force_grouping=True)
        }
    if date > timezone.localdate() + dt.timedelta(days=1):
        errors["date"] = _("Log meetings that have taken place, not planned ones.")
    if locked.activated_at and date < timezone.localtime(locked.activated_at).date() - dt.timedelta(days=30):
        errors["date"] = _("This date is long before the tandem started.")
    if errors:
        raise ValidationError(errors)
    meeting = TandemMeeting.objects.create(
        tandem=locked, date=date, notes=text, notes_html=render_markdown(text).html if text else "", logged_by=user
    )
    locked.meeting_count = models.F("meeting_count") + 1
    locked.save(update_fields=["meeting_count", "updated_at"])
    locked.refresh_from_db(fields=["meeting_count"])
    audit_log(
        actor=user,
        action="tandem.meeting_logged",
        target=locked,
        after={"meeting": meeting.pk, "date": date.isoformat()},
    )
    events.tandem_meeting_logged(locked, actor=user)
    return meeting


@transaction.atomic
def tandem_learnings_save(*, actor: Viewer | User, tandem: Tandem, learnings: str, share: bool = False) -> Tandem:
    """Write (or edit) the tandem's learnings in Markdown; ``share`` makes them readable by the
    members of both communities (once shared, they stay shared; edits show at once)."""
    viewer = as_viewer(actor)
    locked = _lock(tandem)
    require(can_write_tandem_learnings(viewer, locked))
    user = _acting_user(viewer)
    text = (learnings or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_LEARNINGS_LENGTH:
        raise ValidationError(
            {
                "learnings": _("Learnings can have at most %(limit)s characters.")
                % {"limit": number_format(MAX_LEARNINGS_LENGTH, force_grouping=True)}
            }
        )
    if share and not text:
        raise ValidationError({"learnings": _("Write down the learnings before you share them.")})
    newly_shared = share and locked.learnings_shared_at is None
    locked.learnings = text
    locked.learnings_html = render_markdown(text).html if text else ""
    if newly_shared:
        locked.learnings_shared_at = timezone.now()
    locked.save(update_fields=["learnings", "learnings_html", "learnings_shared_at", "updated_at"])
    audit_log(
        actor=user,
        action="tandem.learnings_shared" if newly_shared else "tandem.learnings_saved",
        target=locked,
        after={"length": len(text), "shared": locked.learnings_shared_at is not None},
    )
    if newly_shared:
        events.tandem_learnings_shared(locked, actor=user)
    return locked
