"""Working the managers' inbox: claim, assign, status, snooze, notes, resolve (with the real action),
escalate, bulk actions; the per-community inbox settings; saved replies; the unanswered-questions job.

Every function is atomic, checks ``communities.inbox.permissions`` first, locks the item row, and
writes one audit row for the privileged workflow steps (claim, assign, status, resolve, escalate,
settings, community replies). The people working the affected inboxes get ``inbox.changed`` after
commit. Resolving performs the real action through the owning services (moderation, membership,
comments), which check their own permissions again.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DurationField as DurationOutput
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core.models import Community
from communities.core.services._common import acting_user
from communities.core.services.membership import membership_approve, membership_decline
from communities.inbox.hooks import announce_on_commit, close_items, first_response_due, inbox_settings_for, open_item
from communities.inbox.models import InboxItem, InboxNote, InboxSettings, SavedReply
from communities.inbox.permissions import (
    can_be_assigned,
    can_change_inbox_settings,
    can_edit_saved_reply,
    can_escalate_inbox_item,
    can_keep_personal_replies,
    can_manage_community_replies,
    can_view_inbox_item,
    can_work_inbox_item,
    visible_inbox_items,
)
from communities.moderation import services as moderation_services
from communities.posts.models import ContentStatus, Post
from communities.posts.services.comments import comment_create
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

Kind = InboxItem.Kind
Status = InboxItem.Status

NOTE_MAX = 4000
REASON_MAX = 1000
MAX_SNOOZE = dt.timedelta(days=90)
BULK_MAX = 100


class Resolution:
    """What resolving an item did (stored on the item, shown in the list)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    DECLINED = "declined"
    HIDDEN = "hidden"
    DISMISSED = "dismissed"
    ANSWERED = "answered"
    DONE = "done"


#: The resolve actions each kind offers, in the order the page shows them.
RESOLVE_ACTIONS: dict[str, tuple[str, ...]] = {
    Kind.REPORT: (Resolution.HIDDEN, Resolution.DISMISSED),
    Kind.HELD_POST: (Resolution.APPROVED, Resolution.REJECTED),
    Kind.FLAGGED_POST: (Resolution.HIDDEN, Resolution.DISMISSED),
    Kind.JOIN_REQUEST: (Resolution.APPROVED, Resolution.DECLINED),
    Kind.UNANSWERED_QUESTION: (Resolution.ANSWERED, Resolution.DONE),
    Kind.MENTION: (Resolution.ANSWERED, Resolution.DONE),
    Kind.ESCALATION: (Resolution.DONE,),
}

#: Actions that need a reason (the member is told why).
NEEDS_REASON = {Resolution.HIDDEN, Resolution.REJECTED}


def _audit(viewer: Viewer, action: str, item: InboxItem, **extra: Any) -> None:
    audit_log(
        actor=viewer.user if viewer.is_authenticated else None,
        action=action,
        target=item,
        scope=f"community:{item.community_id}",
        **extra,
    )


def _lock(item: InboxItem) -> InboxItem:
    locked = InboxItem.objects.select_for_update(of=("self",)).select_related("community").get(pk=item.pk)
    return locked


def _locked_open(viewer: Viewer, item: InboxItem) -> InboxItem:
    """Check, lock, check again: a concurrent resolve is a clear error, not a second action."""
    require(can_work_inbox_item(viewer, item))
    locked = _lock(item)
    if not locked.is_open:
        raise ValidationError(_("This item has already been dealt with."), code="done")
    require(can_work_inbox_item(viewer, locked))
    return locked


_WORKFLOW_FIELDS = (
    "status",
    "assignee_id",
    "first_response_at",
    "snoozed_until",
    "escalated_at",
    "escalated_by_id",
    "escalation_reason",
    "resolved_at",
    "resolved_by_id",
    "resolution",
    "note_count",
)


def _copy_back(original: InboxItem, locked: InboxItem) -> InboxItem:
    """The caller's instance sees the new state too (services return the locked row)."""
    if original is not locked:
        for name in _WORKFLOW_FIELDS:
            setattr(original, name, getattr(locked, name))
    return locked


def _announce(item: InboxItem, *extra_users: int | None) -> None:
    announce_on_commit(
        [item.community_id],
        escalated=item.escalated_at is not None,
        user_ids=[item.assignee_id, item.for_user_id, *extra_users],
    )


def _responded(item: InboxItem, now: dt.datetime) -> list[str]:
    if item.first_response_at is None:
        item.first_response_at = now
        return ["first_response_at"]
    return []


def _clean_text(text: str, *, max_length: int, required: bool, field_name: str) -> str:
    text = (text or "").replace("\x00", "\ufffd").strip()
    if required and not text:
        raise ValidationError({field_name: _("Write some text.")}, code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field_name: _("Use at most %(max)d characters.") % {"max": max_length}}, code="max_length"
        )
    return text


# Claim, assign, status, snooze -------------------------------------------------------------------


def _claim(viewer: Viewer, item: InboxItem, now: dt.datetime) -> InboxItem:
    locked = _locked_open(viewer, item)
    me = acting_user(viewer)
    if locked.assignee_id == me.pk and locked.status == Status.CLAIMED:
        return locked
    before: dict[str, Any] = {"assignee": locked.assignee_id, "status": locked.status}
    locked.assignee = me
    locked.status = Status.CLAIMED
    fields = ["assignee", "status", "updated_at", *_responded(locked, now)]
    locked.save(update_fields=fields)
    _audit(viewer, "inbox.claimed", locked, before=before, after={"assignee": me.pk, "status": locked.status})
    _announce(locked, before["assignee"])
    return _copy_back(item, locked)


@transaction.atomic
def inbox_item_claim(*, actor: Viewer | User, item: InboxItem) -> InboxItem:
    """Take the item: it is assigned to the actor and becomes "claimed" (counts as first response)."""
    return _claim(as_viewer(actor), item, timezone.now())


@transaction.atomic
def inbox_item_assign(*, actor: Viewer | User, item: InboxItem, assignee: User | None) -> InboxItem:
    """Give the item to a co-manager (someone who may work it), or back to nobody (``None``)."""
    viewer = as_viewer(actor)
    locked = _locked_open(viewer, item)
    if assignee is not None and not can_be_assigned(Viewer(assignee), locked):
        raise ValidationError(
            {"assignee": _("%(person)s cannot work on this item.") % {"person": assignee}}, code="not_assignable"
        )
    new_id = assignee.pk if assignee is not None else None
    if locked.assignee_id == new_id:
        return locked
    before: dict[str, Any] = {"assignee": locked.assignee_id, "status": locked.status}
    locked.assignee = assignee
    if assignee is None:
        locked.status = Status.NEW
    elif locked.status == Status.NEW:
        locked.status = Status.CLAIMED
    fields = ["assignee", "status", "updated_at", *_responded(locked, timezone.now())]
    locked.save(update_fields=fields)
    _audit(viewer, "inbox.assigned", locked, before=before, after={"assignee": new_id, "status": locked.status})
    _announce(locked, before["assignee"])
    return _copy_back(item, locked)


@transaction.atomic
def inbox_item_set_status(*, actor: Viewer | User, item: InboxItem, status: str) -> InboxItem:
    """Move an open item between "new", "claimed" and "waiting" (done is reached by resolving)."""
    viewer = as_viewer(actor)
    if status not in (Status.NEW, Status.CLAIMED, Status.WAITING):
        raise ValidationError({"status": _("Choose one of the offered states.")}, code="invalid_choice")
    locked = _locked_open(viewer, item)
    if locked.status == status:
        return locked
    before = {"status": locked.status}
    locked.status = status
    fields = ["status", "updated_at"]
    if status != Status.NEW:
        fields += _responded(locked, timezone.now())
    locked.save(update_fields=fields)
    _audit(viewer, "inbox.status_changed", locked, before=before, after={"status": status})
    _announce(locked)
    return _copy_back(item, locked)


def _snooze(viewer: Viewer, item: InboxItem, until: dt.datetime | None, now: dt.datetime) -> InboxItem:
    if until is not None:
        if timezone.is_naive(until):
            raise ValidationError({"until": _("Give a date and time.")}, code="naive")
        if until <= now:
            raise ValidationError({"until": _("Choose a moment in the future.")}, code="past")
        if until > now + MAX_SNOOZE:
            raise ValidationError({"until": _("Snooze for at most 90 days.")}, code="too_far")
    locked = _locked_open(viewer, item)
    locked.snoozed_until = until
    locked.save(update_fields=["snoozed_until", "updated_at"])
    _announce(locked)
    return _copy_back(item, locked)


@transaction.atomic
def inbox_item_snooze(*, actor: Viewer | User, item: InboxItem, until: dt.datetime | None) -> InboxItem:
    """Hide the item from the open list until ``until`` (``None`` wakes it now). Not audited: it
    changes nobody's content and no responsibility."""
    return _snooze(as_viewer(actor), item, until, timezone.now())


# Notes ------------------------------------------------------------------------------------------


@idempotent("inbox.note_add", replay=lambda pk: InboxNote.objects.get(pk=pk))
def inbox_note_add(
    *, actor: Viewer | User, item: InboxItem, body: str, idempotency_key: uuid.UUID | None = None
) -> InboxNote:
    """Add an internal note (seen only by the people who may open the item); allowed on done items.
    With ``idempotency_key`` (the form's), sending the same form again returns the note it added."""
    viewer = as_viewer(actor)
    require(can_view_inbox_item(viewer, item))
    text = _clean_text(body, max_length=NOTE_MAX, required=True, field_name="body")
    locked = _lock(item)
    require(can_view_inbox_item(viewer, locked))
    note = InboxNote.objects.create(item=locked, author=acting_user(viewer), body=text)
    InboxItem.objects.filter(pk=locked.pk).update(note_count=F("note_count") + 1, updated_at=timezone.now())
    locked.note_count += 1
    _copy_back(item, locked)
    return note


# Resolve ------------------------------------------------------------------------------------------


def _moderation() -> Any:
    return moderation_services


def _perform(viewer: Viewer, item: InboxItem, action: str, reason: str, body: str) -> dict[str, Any]:
    """Do the real thing behind ``action``; returns what the audit row should remember."""
    kind = item.kind
    content_gone = item.post is None and item.comment is None
    dismissing = kind == Kind.REPORT and action == Resolution.DISMISSED and item.report is not None
    if kind in (Kind.REPORT, Kind.FLAGGED_POST, Kind.HELD_POST) and content_gone and not dismissing:
        raise ValidationError(_("The content of this item no longer exists."), code="gone")
    if kind == Kind.REPORT:
        mod = _moderation()
        if action == Resolution.HIDDEN:
            if item.comment is not None:
                mod.comment_hide(actor=viewer, comment=item.comment, reason=reason)
            elif item.post is not None:
                mod.post_hide(actor=viewer, post=item.post, reason=reason)
            if item.report is not None and item.report.status == "open":
                mod.report_resolve(actor=viewer, report=item.report, note=reason)
        elif item.report is not None and item.report.status == "open":
            mod.report_dismiss(actor=viewer, report=item.report, note=reason)
        return {"report": item.report_id, "post": item.post_id, "comment": item.comment_id}
    if kind == Kind.FLAGGED_POST:
        if action == Resolution.HIDDEN:
            mod = _moderation()
            if item.comment is not None:
                mod.comment_hide(actor=viewer, comment=item.comment, reason=reason)
            else:
                mod.post_hide(actor=viewer, post=item.post, reason=reason)
        return {"post": item.post_id, "comment": item.comment_id}
    if kind == Kind.HELD_POST:
        mod = _moderation()
        if item.comment is not None:  # a held comment (new, or edited with a holding word)
            if action == Resolution.APPROVED:
                mod.comment_restore(actor=viewer, comment=item.comment)
            else:
                mod.comment_reject(actor=viewer, comment=item.comment, reason=reason)
            return {"post": item.post_id, "comment": item.comment_id}
        if action == Resolution.APPROVED:
            mod.post_approve(actor=viewer, post=item.post)
        else:
            mod.post_reject(actor=viewer, post=item.post, reason=reason)
        return {"post": item.post_id}
    if kind == Kind.JOIN_REQUEST:
        if item.membership is None:
            raise ValidationError(_("This request no longer exists."), code="gone")
        decide = membership_approve if action == Resolution.APPROVED else membership_decline
        decide(actor=viewer, membership=item.membership, message=reason)
        return {"membership": item.membership_id, "user": item.member_id}
    if kind in (Kind.UNANSWERED_QUESTION, Kind.MENTION) and action == Resolution.ANSWERED:
        if item.post is None:
            raise ValidationError(_("The post of this item no longer exists."), code="gone")
        parent = item.comment if kind == Kind.MENTION else None
        comment = comment_create(actor=viewer, post=item.post, body=body, parent=parent)
        return {"post": item.post_id, "comment": comment.pk}
    return {}


@transaction.atomic
def inbox_item_resolve(
    *, actor: Viewer | User, item: InboxItem, action: str, reason: str = "", body: str = ""
) -> InboxItem:
    """Resolve the item by doing the real thing: approve or reject a held post, hide the reported
    post or dismiss the report, approve or decline a join request, answer a question (a comment
    by the actor), or just mark it done where nothing else is needed.

    ``reason`` goes to the member where the action tells them (hiding, rejecting, deciding);
    ``body`` is the answer. The item ends "done" with the resolution; one audit row here, and the
    action's own audit row from its service.
    """
    viewer = as_viewer(actor)
    if action not in RESOLVE_ACTIONS.get(item.kind, ()):
        raise ValidationError({"action": _("This action does not fit this item.")}, code="invalid_action")
    reason = _clean_text(reason, max_length=REASON_MAX, required=action in NEEDS_REASON, field_name="reason")
    if action == Resolution.ANSWERED:
        body = _clean_text(body, max_length=10_000, required=True, field_name="body")
    locked = _locked_open(viewer, item)
    done = _perform(viewer, locked, action, reason, body)
    now = timezone.now()
    before: dict[str, Any] = {"status": locked.status, "assignee": locked.assignee_id}
    locked.status = Status.DONE
    locked.resolution = action
    locked.resolved_at = now
    locked.resolved_by = acting_user(viewer)
    locked.snoozed_until = None
    if locked.assignee_id is None:
        locked.assignee = locked.resolved_by
    fields = ["status", "resolution", "resolved_at", "resolved_by", "snoozed_until", "assignee", "updated_at"]
    locked.save(update_fields=[*fields, *_responded(locked, now)])
    _audit(viewer, "inbox.resolved", locked, reason=reason, before=before, after={"resolution": action, **done})
    _announce(locked, before["assignee"])
    return _copy_back(item, locked)


# Escalation ---------------------------------------------------------------------------------------


@transaction.atomic
def inbox_item_escalate(*, actor: Viewer | User, item: InboxItem, reason: str) -> InboxItem:
    """Hand the item up to the coordinators (they see it in their inbox); the reason is required."""
    viewer = as_viewer(actor)
    require(can_escalate_inbox_item(viewer, item))
    reason = _clean_text(reason, max_length=REASON_MAX, required=True, field_name="reason")
    locked = _locked_open(viewer, item)
    require(can_escalate_inbox_item(viewer, locked))
    now = timezone.now()
    locked.escalated_at = now
    locked.escalated_by = acting_user(viewer)
    locked.escalation_reason = reason
    locked.snoozed_until = None
    fields = ["escalated_at", "escalated_by", "escalation_reason", "snoozed_until", "updated_at"]
    locked.save(update_fields=[*fields, *_responded(locked, now)])
    _audit(viewer, "inbox.escalated", locked, reason=reason, before={"escalated": False}, after={"escalated": True})
    _announce(locked)
    return _copy_back(item, locked)


# Bulk -------------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


BULK_ACTIONS = ("claim", "snooze", "resolve")


def inbox_bulk(
    *,
    actor: Viewer | User,
    items: Sequence[InboxItem],
    action: str,
    until: dt.datetime | None = None,
) -> BulkResult:
    """Claim, snooze or resolve several items; each item is its own transaction, so one refusal
    does not undo the others. "resolve" takes each kind's non-destructive resolution: reports and
    flags are dismissed, mentions, questions and escalations marked done; held posts and join
    requests need a decision and are skipped.
    """
    viewer = as_viewer(actor)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose one of the offered actions.")}, code="invalid_action")
    if len(items) > BULK_MAX:
        raise ValidationError(_("Select at most %(max)d items.") % {"max": BULK_MAX}, code="too_many")
    result = BulkResult()
    for item in items:
        try:
            if action == "claim":
                inbox_item_claim(actor=viewer, item=item)
            elif action == "snooze":
                inbox_item_snooze(actor=viewer, item=item, until=until)
            else:
                resolution = _bulk_resolution(item.kind)
                if resolution is None:
                    result.skipped.append(item.pk)
                    continue
                inbox_item_resolve(actor=viewer, item=item, action=resolution)
        except (ValidationError, PermissionDenied) as exc:
            result.skipped.append(item.pk)
            if isinstance(exc, ValidationError):
                result.errors.extend(exc.messages)
        else:
            result.done.append(item.pk)
    return result


def _bulk_resolution(kind: str) -> str | None:
    if kind in (Kind.REPORT, Kind.FLAGGED_POST):
        return Resolution.DISMISSED
    if kind in (Kind.MENTION, Kind.UNANSWERED_QUESTION, Kind.ESCALATION):
        return Resolution.DONE
    return None


# Settings ---------------------------------------------------------------------------------------


def _validate_settings(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    try:
        zoneinfo.ZoneInfo(str(values["time_zone"]))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = _("Choose a time zone from the list.")
    days = values["service_days"]
    if not days or any(d not in range(7) for d in days):
        errors["service_days"] = _("Choose at least one weekday.")
    start, end = values["service_start_hour"], values["service_end_hour"]
    if not (0 <= start <= 23 and 1 <= end <= 24 and start < end):
        errors["service_end_hour"] = _("Service hours must end after they start.")
    if not 1 <= values["first_response_minutes"] <= 60 * 24 * 14:
        errors["first_response_minutes"] = _("Choose between 1 minute and 14 days.")
    if not 10 <= values["unanswered_after_minutes"] <= 60 * 24 * 60:
        errors["unanswered_after_minutes"] = _("Choose between 10 minutes and 60 days.")
    if errors:
        raise ValidationError(errors)


SETTINGS_FIELDS = (
    "time_zone",
    "service_days",
    "service_start_hour",
    "service_end_hour",
    "first_response_minutes",
    "unanswered_after_minutes",
)


@transaction.atomic
def inbox_settings_update(*, actor: Viewer | User, community: Community, **values: Any) -> InboxSettings:
    """Save a community's inbox settings (managers and coordinators; audited). Open items that have
    not had a first response get their due time recomputed from their opening time."""
    viewer = as_viewer(actor)
    require(can_change_inbox_settings(viewer, community))
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown inbox settings: {sorted(unknown)}")
    config = InboxSettings.objects.select_for_update().filter(community=community).first() or InboxSettings(
        community=community
    )
    before = {name: getattr(config, name) for name in SETTINGS_FIELDS}
    merged = {**before, **values}
    merged["service_days"] = sorted({int(d) for d in merged["service_days"]})
    _validate_settings(merged)
    if merged == before and config.pk is not None and not config._state.adding:
        return config
    for name, value in merged.items():
        setattr(config, name, value)
    config.save()
    pending = InboxItem.objects.filter(community=community, first_response_at__isnull=True).exclude(status=Status.DONE)
    changed = []
    for item in pending.only("pk", "opened_at", "first_response_due_at").iterator(chunk_size=500):
        item.first_response_due_at = first_response_due(config, item.opened_at)
        changed.append(item)
    InboxItem.objects.bulk_update(changed, ["first_response_due_at"], batch_size=500)
    audit_log(
        actor=acting_user(viewer),
        action="community.inbox_settings_changed",
        target=community,
        scope=f"community:{community.pk}",
        before=before,
        after=merged,
    )
    if changed:
        announce_on_commit([community.pk])
    return config


# Saved replies ----------------------------------------------------------------------------------

TITLE_MAX = 120
REPLY_MAX = 5000
PLACEHOLDERS = ("member_name", "community_name", "manager_name")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Put ``values`` into ``{member_name}``, ``{community_name}`` and ``{manager_name}``.

    A fixed replacement, never ``str.format``: a saved reply is user text, and braces or format
    specs in it (``{0.__class__}``, ``{x:>99999}``) stay literal text. Values are inserted once,
    so a name containing ``{manager_name}`` is not expanded again.
    """
    out: list[str] = []
    i = 0
    tokens = {f"{{{name}}}": values.get(name, "") for name in PLACEHOLDERS}
    while i < len(text):
        if text[i] == "{":
            for token, value in tokens.items():
                if text.startswith(token, i):
                    out.append(value)
                    i += len(token)
                    break
            else:
                out.append("{")
                i += 1
        else:
            j = text.find("{", i)
            j = len(text) if j == -1 else j
            out.append(text[i:j])
            i = j
    return "".join(out)


def saved_reply_text(
    reply: SavedReply, *, tonality: str, member_name: str = "", community_name: str = "", manager_name: str = ""
) -> str:
    """The reply in the community's tonality with the placeholders filled."""
    return fill_placeholders(
        reply.body_for(tonality),
        {"member_name": member_name, "community_name": community_name, "manager_name": manager_name},
    )


def _clean_reply(title: str, body_du: str, body_sie: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: list[str] = []
    for name, value, limit, required in (
        ("title", title, TITLE_MAX, True),
        ("body_du", body_du, REPLY_MAX, False),
        ("body_sie", body_sie, REPLY_MAX, False),
    ):
        try:
            cleaned.append(_clean_text(value, max_length=limit, required=required, field_name=name))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            cleaned.append("")
    if not errors and not cleaned[1] and not cleaned[2]:
        errors["body_du"] = [_("Write the reply in at least one tonality.")]
    if errors:
        raise ValidationError(errors)
    return cleaned[0], cleaned[1], cleaned[2]


@idempotent("inbox.saved_reply_create", replay=lambda pk: SavedReply.objects.get(pk=pk))
def saved_reply_create(
    *,
    actor: Viewer | User,
    community: Community | None,
    title: str,
    body_du: str = "",
    body_sie: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> SavedReply:
    """A community's saved reply (``community`` given; managers, audited) or the actor's own. With
    ``idempotency_key`` (the form's), sending the same form again returns the reply it saved."""
    viewer = as_viewer(actor)
    if community is not None:
        require(can_manage_community_replies(viewer, community))
    else:
        require(can_keep_personal_replies(viewer))
    title, body_du, body_sie = _clean_reply(title, body_du, body_sie)
    me = acting_user(viewer)
    reply = SavedReply.objects.create(
        community=community,
        owner=None if community is not None else me,
        title=title,
        body_du=body_du,
        body_sie=body_sie,
        created_by=me,
    )
    if community is not None:
        audit_log(
            actor=me,
            action="saved_reply.created",
            target=reply,
            scope=f"community:{community.pk}",
            after={"title": title, "body_du": body_du, "body_sie": body_sie},
        )
    return reply


@transaction.atomic
def saved_reply_update(
    *, actor: Viewer | User, reply: SavedReply, title: str, body_du: str = "", body_sie: str = ""
) -> SavedReply:
    viewer = as_viewer(actor)
    require(can_edit_saved_reply(viewer, reply))
    title, body_du, body_sie = _clean_reply(title, body_du, body_sie)
    locked = SavedReply.objects.select_for_update().get(pk=reply.pk)
    locked.community = reply.community
    before = {"title": locked.title, "body_du": locked.body_du, "body_sie": locked.body_sie}
    locked.title, locked.body_du, locked.body_sie = title, body_du, body_sie
    locked.save(update_fields=["title", "body_du", "body_sie", "updated_at"])
    if locked.community_id is not None:
        audit_log(
            actor=acting_user(viewer),
            action="saved_reply.changed",
            target=locked,
            scope=f"community:{locked.community_id}",
            before=before,
            after={"title": title, "body_du": body_du, "body_sie": body_sie},
        )
    return locked


@transaction.atomic
def saved_reply_delete(*, actor: Viewer | User, reply: SavedReply) -> None:
    viewer = as_viewer(actor)
    require(can_edit_saved_reply(viewer, reply))
    if reply.community_id is not None:
        audit_log(
            actor=acting_user(viewer),
            action="saved_reply.deleted",
            target=reply,
            scope=f"community:{reply.community_id}",
            before={"title": reply.title, "body_du": reply.body_du, "body_sie": reply.body_sie},
        )
    SavedReply.objects.filter(pk=reply.pk).delete()


# Unanswered questions (Celery beat) -----------------------------------------------------------------

#: Questions older than this are left alone (the first run must not flood the inbox with history).
UNANSWERED_LOOKBACK = dt.timedelta(days=30)
UNANSWERED_BATCH = 500


def _unanswered_key(post_id: int) -> str:
    return f"post:{post_id}"


def unanswered_questions_sync(*, now: dt.datetime | None = None, batch: int = UNANSWERED_BATCH) -> tuple[int, int]:
    """Open an item for each published question without any comment that is older than its
    community's threshold, and close the open ones whose question got an answer, was hidden or
    deleted. Idempotent: a question never gets a second item (also not after one was done).
    Returns ``(opened, closed)``. Runs as the system (no actor, no audit row).
    """
    now = now or timezone.now()
    default_minutes = InboxSettings._meta.get_field("unanswered_after_minutes").default
    threshold = ExpressionWrapper(
        Coalesce(F("community__inbox_settings__unanswered_after_minutes"), Value(default_minutes))
        * Value(dt.timedelta(minutes=1)),
        output_field=DurationOutput(),
    )
    has_item = InboxItem.objects.filter(
        community_id=OuterRef("community_id"),
        kind=Kind.UNANSWERED_QUESTION,
        key=Concat(Value("post:"), OuterRef("pk"), output_field=InboxItem._meta.get_field("key")),
    )
    due = (
        Post.objects.filter(
            kind=Post.Kind.QUESTION,
            status=ContentStatus.PUBLISHED,
            deleted_at__isnull=True,
            accepted_comment__isnull=True,
            comment_count=0,
            created_at__gte=now - UNANSWERED_LOOKBACK,
            community__lifecycle=Community.Lifecycle.ACTIVE,
        )
        .alias(threshold=threshold)
        .filter(created_at__lte=Value(now) - F("threshold"))
        .filter(~Exists(has_item))
        .select_related("community", "community__inbox_settings")
        .order_by("created_at", "pk")[:batch]
    )
    opened = 0
    for post in due:
        with transaction.atomic():
            config = inbox_settings_for(post.community)
            open_item(
                community=post.community,
                kind=Kind.UNANSWERED_QUESTION,
                key=_unanswered_key(post.pk),
                post=post,
                summary=post.title,
                now=now,
                config=config,
            )
            opened += 1
    answered = (
        InboxItem.objects.filter(kind=Kind.UNANSWERED_QUESTION)
        .exclude(status=Status.DONE)
        .exclude(
            post__status=ContentStatus.PUBLISHED,
            post__deleted_at__isnull=True,
            post__comment_count=0,
            post__accepted_comment__isnull=True,
        )
        .values_list("key", flat=True)
    )
    with transaction.atomic():
        closed = close_items(kind=Kind.UNANSWERED_QUESTION, keys=list(answered[:batch]), resolution="answered")
    return opened, closed


def items_by_ids(viewer: Viewer, ids: Iterable[int]) -> list[InboxItem]:
    """The open items among ``ids`` that the viewer may work (one query), for bulk actions."""
    wanted = sorted({int(i) for i in ids})[:BULK_MAX]
    qs = visible_inbox_items(viewer).filter(pk__in=wanted).exclude(status=Status.DONE)
    return list(qs.select_related("community", "post", "comment", "membership", "report").order_by("pk"))
