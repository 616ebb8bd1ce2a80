"""Moderation writes: reports, actions on posts and comments, member sanctions, rules and watched words.

Every action checks its predicate from :mod:`communities.moderation.permissions` first, re-checks it
on the locked row, writes exactly one audit row (``scope="community:<id>"``, or ``"platform"`` for
platform-wide words and reports on direct messages) in the same transaction, and tells the member
concerned after commit (notification kind ``moderation.action``). Stored counters move with ``F()``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from communities.core.models import Community, MemberMute, Membership
from communities.core.notices import clean_reason, tell_member
from communities.core.services._common import acting_user
from communities.moderation import events
from communities.moderation.models import CommunityRules, HiddenMessage, Report, ReportEntry, WatchedWord
from communities.moderation.permissions import (
    can_handle_report,
    can_hide_comment,
    can_hide_message,
    can_hide_post,
    can_manage_platform_words,
    can_manage_rules,
    can_move_post,
    can_reject_comment,
    can_report_message,
    can_restore_comment,
    can_restore_message,
    can_restore_post,
    can_review_post,
    can_sanction_member,
)
from communities.moderation.screening import validate_pattern
from communities.posts import events as post_events
from communities.posts.models import Comment, ContentStatus, Post
from communities.posts.permissions import can_report_comment, can_report_post
from communities.posts.services.posts import render_for_community, sync_mentions
from intranet.core.audit import audit_log
from intranet.core.markdown import plain_text
from intranet.core.models import AuditEntry
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer
from intranet.messaging.models import Conversation, Message, Participant

if TYPE_CHECKING:
    from intranet.accounts.models import User

REPORT_TEXT_MAX = 2000
MUTE_MAX_DAYS = 365
PLATFORM_SCOPE = "platform"


# Helpers ----------------------------------------------------------------------------------------


def _scope(community_id: int | None) -> str:
    return f"community:{community_id}" if community_id else PLATFORM_SCOPE


def _audit(
    viewer: Viewer,
    action: str,
    target: Any,
    *,
    community_id: int | None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    return audit_log(
        actor=viewer.user if viewer.is_authenticated else None,
        action=action,
        target=target,
        scope=_scope(community_id),
        reason=reason,
        before=before,
        after=after,
    )


def _lock_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",)).select_related("community").defer("search_vector").get(pk=post.pk)
    )


def _lock_comment(comment: Comment) -> Comment:
    locked = Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
    locked.post = Post.objects.select_related("community").defer("search_vector").get(pk=locked.post_id)
    return locked


def _sync(original: Any, locked: Any, *fields: str) -> None:
    for name in fields:
        setattr(original, name, getattr(locked, name))


def _move_post_count(community_id: int, delta: int) -> None:
    if delta > 0:
        Community.objects.filter(pk=community_id).update(post_count=F("post_count") + delta)
    elif delta < 0:
        Community.objects.filter(pk=community_id).update(post_count=Greatest(F("post_count") + delta, 0))


# Reports ----------------------------------------------------------------------------------------


def _clean_report(reason: str, text: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if reason not in Report.Reason.values:
        errors["reason"] = _("Choose a reason.")
    text = (text or "").replace("\x00", "").strip()
    if len(text) > REPORT_TEXT_MAX:
        errors["text"] = _("The text may have at most %(max)d characters.") % {"max": REPORT_TEXT_MAX}
    elif reason == Report.Reason.OTHER and not text:
        errors["text"] = _("Tell the moderators what is wrong.")
    if errors:
        raise ValidationError(errors)
    return reason, text


@transaction.atomic
def report_create(
    *,
    actor: Viewer | User,
    post: Post | None = None,
    comment: Comment | None = None,
    message: Any = None,
    reason: str,
    text: str = "",
) -> Report:
    """Report a post, a comment or a direct message (exactly one). Reports of the same item while its
    case is open merge into that case; each person counts once (a repeat by the same person changes
    nothing). Opens the "report" inbox item of the community (direct messages have none: their
    reports go to the coordinators). Not audited: reporting is no privileged action.
    """
    viewer = as_viewer(actor)
    if sum(x is not None for x in (post, comment, message)) != 1:
        raise ValueError("Report exactly one post, comment or message.")
    community: Community | None
    fields: dict[str, Any]
    if post is not None:
        require(can_report_post(viewer, post))
        community, key = post.community, f"post:{post.pk}"
        fields = {"post": post, "target_author_id": post.author_id, "snapshot": f"{post.title}\n\n{post.body_source}"}
    elif comment is not None:
        require(can_report_comment(viewer, comment))
        community, key = comment.post.community, f"comment:{comment.pk}"
        fields = {
            "post": comment.post,
            "comment": comment,
            "target_author_id": comment.author_id,
            "snapshot": comment.body_source,
        }
    else:
        participant = Participant.objects.filter(
            conversation_id=message.conversation_id, user_id=viewer.user_id or 0, left_at__isnull=True
        ).exists()
        require(can_report_message(viewer, author_id=message.author_id, is_participant=participant))
        community, key = None, f"message:{message.pk}"
        fields = {
            "message_id": message.pk,
            "conversation_id": message.conversation_id,
            "target_author_id": message.author_id,
            "snapshot": message.body_source,
        }
    reason, text = _clean_report(reason, text)
    reporter = acting_user(viewer)
    now = timezone.now()
    report, _created = Report.objects.get_or_create(
        target_key=key,
        status=Report.Status.OPEN,
        defaults={"community": community, "reason": reason, "created_at": now, "last_reported_at": now, **fields},
    )
    _entry, added = ReportEntry.objects.get_or_create(
        report=report, reporter=reporter, defaults={"reason": reason, "text": text, "created_at": now}
    )
    if added:
        Report.objects.filter(pk=report.pk).update(reporter_count=F("reporter_count") + 1, last_reported_at=now)
        report.refresh_from_db(fields=["reporter_count", "last_reported_at"])
    if community is not None:
        events.report_opened(
            report,
            community_id=community.pk,
            summary=" ".join(f"{report.get_reason_display()}: {text or report.snapshot}".split())[:200],
        )
    return report


def _close_report(viewer: Viewer, report: Report, *, status: str, note: str) -> Report:
    require(can_handle_report(viewer, report))
    locked = Report.objects.select_for_update(of=("self",)).select_related("community").get(pk=report.pk)
    require(can_handle_report(viewer, locked))
    if locked.status != Report.Status.OPEN:
        raise ValidationError(_("This report was already handled."), code="closed")
    note = clean_reason(note, required=False)
    locked.status = status
    locked.handled_by = acting_user(viewer)
    locked.handled_at = timezone.now()
    locked.resolution_note = note
    locked.save(update_fields=["status", "handled_by", "handled_at", "resolution_note"])
    _audit(
        viewer,
        f"report.{status}",
        locked,
        community_id=locked.community_id,
        reason=note,
        before={"status": Report.Status.OPEN},
        after={"status": status},
    )
    events.report_closed(locked, actor_id=locked.handled_by_id)
    _sync(report, locked, "status", "handled_by_id", "handled_at", "resolution_note")
    return locked


@transaction.atomic
def report_resolve(*, actor: Viewer | User, report: Report, note: str = "") -> Report:
    """Close an open report as dealt with (moderators+; audited; closes its inbox item)."""
    return _close_report(as_viewer(actor), report, status=Report.Status.RESOLVED, note=note)


@transaction.atomic
def report_dismiss(*, actor: Viewer | User, report: Report, note: str = "") -> Report:
    """Close an open report as unfounded (moderators+; audited; closes its inbox item)."""
    return _close_report(as_viewer(actor), report, status=Report.Status.DISMISSED, note=note)


# Posts ------------------------------------------------------------------------------------------


def _post_status_change(
    viewer: Viewer,
    post: Post,
    *,
    check: Any,
    new_status: str,
    action: str,
    what: str,
    reason: str,
    inbox_kinds: tuple[str, ...] = (),
) -> Post:
    require(check(viewer, post))
    locked = _lock_post(post)
    require(check(viewer, locked))
    old_status = locked.status
    locked.status = new_status
    fields = ["status"]
    now = timezone.now()
    if new_status == ContentStatus.PUBLISHED and old_status == ContentStatus.PENDING:
        locked.last_activity_at = now
        fields.append("last_activity_at")
    if new_status != ContentStatus.PUBLISHED and locked.is_pinned:
        locked.is_pinned, locked.pinned_at = False, None
        fields += ["is_pinned", "pinned_at"]
    locked.save(update_fields=fields)
    if new_status == ContentStatus.PUBLISHED:
        _move_post_count(locked.community_id, 1)
        Community.objects.filter(pk=locked.community_id).update(last_activity_at=now)
    elif old_status == ContentStatus.PUBLISHED:
        _move_post_count(locked.community_id, -1)
    entry = _audit(
        viewer,
        action,
        locked,
        community_id=locked.community_id,
        reason=reason,
        before={"status": old_status},
        after={"status": new_status},
    )
    events.content_reviewed(post=locked, actor_id=acting_user(viewer).pk, settled=inbox_kinds)
    tell_member(
        user_id=locked.author_id,
        actor=viewer,
        entry=entry,
        url=locked.get_absolute_url(),
        what=what,
        params={"title": locked.title, "community": locked.community.name, "reason": reason},
        community_id=locked.community_id,
    )
    _sync(post, locked, "status", "is_pinned", "pinned_at")
    return locked


@transaction.atomic
def post_hide(*, actor: Viewer | User, post: Post, reason: str) -> Post:
    """Hide a published post (moderators+): only its author (with the reason) and moderators still
    see it; it leaves ``post_count``. Audited; the author is told; ``post.hidden`` goes to open
    pages on commit."""
    reason = clean_reason(reason)
    locked = _post_status_change(
        as_viewer(actor),
        post,
        check=can_hide_post,
        new_status=ContentStatus.HIDDEN,
        action="post.hidden",
        what="post_hidden",
        reason=reason,
        inbox_kinds=("flagged_post",),
    )
    post_events.post_visibility_changed(locked, post_events.POST_HIDDEN)
    return locked


@transaction.atomic
def post_restore(*, actor: Viewer | User, post: Post, reason: str = "") -> Post:
    """Publish a hidden post again (moderators+; audited; the author is told; ``post.restored``
    goes to open pages on commit)."""
    locked = _post_status_change(
        as_viewer(actor),
        post,
        check=can_restore_post,
        new_status=ContentStatus.PUBLISHED,
        action="post.restored",
        what="post_restored",
        reason=clean_reason(reason, required=False),
    )
    post_events.post_visibility_changed(locked, post_events.POST_RESTORED)
    return locked


@transaction.atomic
def post_approve(*, actor: Viewer | User, post: Post) -> Post:
    """Publish a held post (moderators+): it joins ``post_count``, the stream, feeds and search;
    ``post.created`` goes out and the community is notified as for a new post. Audited."""
    viewer = as_viewer(actor)
    locked = _post_status_change(
        viewer,
        post,
        check=can_review_post,
        new_status=ContentStatus.PUBLISHED,
        action="post.approved",
        what="post_approved",
        reason="",
        inbox_kinds=("held_post",),
    )
    post_events.post_approved(locked)
    return locked


@transaction.atomic
def post_reject(*, actor: Viewer | User, post: Post, reason: str) -> Post:
    """Refuse a held post (moderators+): it stays hidden, visible to its author with the reason."""
    return _post_status_change(
        as_viewer(actor),
        post,
        check=can_review_post,
        new_status=ContentStatus.HIDDEN,
        action="post.rejected",
        what="post_rejected",
        reason=clean_reason(reason),
        inbox_kinds=("held_post", "flagged_post"),
    )


def _lock_communities(*communities: Community) -> None:
    # Fixed (primary-key) order, like every service that moves counters of several communities.
    ids = sorted({c.pk for c in communities})
    list(Community.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def post_move(*, actor: Viewer | User, post: Post, community: Community, reason: str) -> Post:
    """Move a post (with its comments) to ``community`` (moderators+ of both).

    Both communities' ``post_count`` stay exact; mentions in the post and its comments are resolved
    again for the new community (people who cannot read it are no longer linked). Open reports of
    the post follow it. Audited once, in the scope of the community it left; the log of the
    community it arrived in lists the same row (matched on ``after["community_id"]``).
    """
    viewer = as_viewer(actor)
    require(can_move_post(viewer, post, community))
    reason = clean_reason(reason)
    _lock_communities(post.community, community)
    locked = _lock_post(post)
    require(can_move_post(viewer, locked, community))
    source = locked.community
    counted = locked.status == ContentStatus.PUBLISHED and locked.deleted_at is None
    rendered, mentioned = render_for_community(locked.body_source, community)
    locked.community = community
    locked.body_html = rendered.html
    locked.body_text = plain_text(rendered.html)
    locked.save(update_fields=["community", "body_html", "body_text"])
    sync_mentions(post=locked, comment=None, user_ids=mentioned.values())
    for comment in Comment.objects.filter(post=locked, deleted_at__isnull=True).order_by("id").iterator(chunk_size=200):
        comment_rendered, ids = render_for_community(comment.body_source, community)
        if comment_rendered.html != comment.body_html:
            Comment.objects.filter(pk=comment.pk).update(body_html=comment_rendered.html)
        sync_mentions(post=locked, comment=comment, user_ids=ids.values())
    if counted:
        _move_post_count(source.pk, -1)
        _move_post_count(community.pk, 1)
    Report.objects.filter(post=locked, status=Report.Status.OPEN).update(community=community)
    entry = _audit(
        viewer,
        "post.moved",
        locked,
        community_id=source.pk,
        reason=reason,
        before={"community_id": source.pk, "community": source.name},
        after={"community_id": community.pk, "community": community.name},
    )
    tell_member(
        user_id=locked.author_id,
        actor=viewer,
        entry=entry,
        url=locked.get_absolute_url(),
        what="post_moved",
        params={"title": locked.title, "community": community.name, "reason": reason},
        community_id=community.pk,
    )
    post.community = community
    post.body_html = locked.body_html
    return locked


# Comments ---------------------------------------------------------------------------------------


def _comment_status_change(
    viewer: Viewer, comment: Comment, *, check: Any, new_status: str, action: str, what: str, reason: str
) -> Comment:
    require(check(viewer, comment))
    locked = _lock_comment(comment)
    require(check(viewer, locked))
    old_status = locked.status
    locked.status = new_status
    locked.save(update_fields=["status"])
    if new_status == ContentStatus.PUBLISHED:
        Post.objects.filter(pk=locked.post_id).update(comment_count=F("comment_count") + 1)
    elif old_status == ContentStatus.PUBLISHED:
        Post.objects.filter(pk=locked.post_id).update(comment_count=Greatest(F("comment_count") - 1, 0))
    community_id = locked.post.community_id
    entry = _audit(
        viewer,
        action,
        locked,
        community_id=community_id,
        reason=reason,
        before={"status": old_status},
        after={"status": new_status},
    )
    events.content_reviewed(comment=locked, actor_id=acting_user(viewer).pk, settled=("held_post", "flagged_post"))
    tell_member(
        user_id=locked.author_id,
        actor=viewer,
        entry=entry,
        url=f"{locked.post.get_absolute_url()}#comment-{locked.pk}",
        what=what,
        params={"title": locked.post.title, "community": locked.post.community.name, "reason": reason},
        community_id=community_id,
    )
    if old_status == ContentStatus.PENDING and new_status == ContentStatus.PUBLISHED:
        post_events.comment_approved(locked, community_id=community_id)
    comment.status = locked.status
    return locked


@transaction.atomic
def comment_hide(*, actor: Viewer | User, comment: Comment, reason: str) -> Comment:
    """Hide a published comment (moderators+); it leaves ``comment_count``. Audited; author told."""
    return _comment_status_change(
        as_viewer(actor),
        comment,
        check=can_hide_comment,
        new_status=ContentStatus.HIDDEN,
        action="comment.hidden",
        what="comment_hidden",
        reason=clean_reason(reason),
    )


@transaction.atomic
def comment_restore(*, actor: Viewer | User, comment: Comment, reason: str = "") -> Comment:
    """Publish a hidden or held comment (moderators+); it joins ``comment_count``. Audited."""
    return _comment_status_change(
        as_viewer(actor),
        comment,
        check=can_restore_comment,
        new_status=ContentStatus.PUBLISHED,
        action="comment.restored",
        what="comment_restored",
        reason=clean_reason(reason, required=False),
    )


@transaction.atomic
def comment_reject(*, actor: Viewer | User, comment: Comment, reason: str) -> Comment:
    """Refuse a held comment (moderators+): it stays hidden, visible to its author. Audited."""
    return _comment_status_change(
        as_viewer(actor),
        comment,
        check=can_reject_comment,
        new_status=ContentStatus.HIDDEN,
        action="comment.rejected",
        what="comment_hidden",
        reason=clean_reason(reason),
    )


# Direct messages --------------------------------------------------------------------------------


def _hidden_notice() -> str:
    # Stored in the message itself (the messaging app knows nothing of moderation), so in the
    # platform's language rather than the coordinator's.
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("This message was hidden by a coordinator."))


@transaction.atomic
def message_hide(*, actor: Viewer | User, report: Report, reason: str) -> HiddenMessage:
    """Hide the direct message of an open report (coordinators of everything) and close the report
    as resolved, in one action with one audit row (``message.hidden``, scope ``"platform"``).

    The message's text is replaced by a notice for every participant; the original is kept in a
    :class:`HiddenMessage` row so :func:`message_restore` can undo it. The author is told why.
    """
    viewer = as_viewer(actor)
    require(can_hide_message(viewer, report))
    reason = clean_reason(reason)
    locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    require(can_hide_message(viewer, locked))
    message = Message.objects.select_for_update().filter(pk=locked.message_id or 0).first()
    if message is None:
        raise ValidationError(_("The message no longer exists."), code="gone")
    if HiddenMessage.objects.filter(message_id=message.pk).exists():
        raise ValidationError(_("This message is already hidden."), code="hidden")
    now = timezone.now()
    hidden = HiddenMessage.objects.create(
        message_id=message.pk,
        conversation_id=message.conversation_id,
        author_id=message.author_id,
        original_source=message.body_source,
        original_html=message.body_html,
        original_text=message.body_text,
        reason=reason,
        hidden_by=acting_user(viewer),
        hidden_at=now,
    )
    notice = _hidden_notice()
    message.body_source = notice
    message.body_html = f"<p><em>{escape(notice)}</em></p>"
    message.body_text = notice
    message.save(update_fields=["body_source", "body_html", "body_text"])
    Conversation.objects.filter(pk=message.conversation_id, last_message_id=message.pk).update(
        last_message_preview=notice
    )
    locked.status = Report.Status.RESOLVED
    locked.handled_by = acting_user(viewer)
    locked.handled_at = now
    locked.resolution_note = reason
    locked.save(update_fields=["status", "handled_by", "handled_at", "resolution_note"])
    entry = _audit(
        viewer,
        "message.hidden",
        message,
        community_id=None,
        reason=reason,
        before={"hidden": False, "report": locked.pk, "report_status": Report.Status.OPEN},
        after={"hidden": True, "report": locked.pk, "report_status": Report.Status.RESOLVED},
    )
    tell_member(
        user_id=message.author_id,
        actor=viewer,
        entry=entry,
        url=message.get_absolute_url(),
        what="message_hidden",
        params={"reason": reason},
        community_id=None,
    )
    _sync(report, locked, "status", "handled_by_id", "handled_at", "resolution_note")
    return hidden


@transaction.atomic
def message_restore(*, actor: Viewer | User, hidden: HiddenMessage, reason: str = "") -> None:
    """Put a hidden direct message's original text back (coordinators of everything). Audited
    (``message.restored``); the author is told."""
    viewer = as_viewer(actor)
    require(can_restore_message(viewer))
    reason = clean_reason(reason, required=False)
    locked = HiddenMessage.objects.select_for_update().filter(pk=hidden.pk).first()
    if locked is None:
        raise ValidationError(_("This message is not hidden."), code="not_hidden")
    message = Message.objects.select_for_update().filter(pk=locked.message_id).first()
    if message is None:
        raise ValidationError(_("The message no longer exists."), code="gone")
    message.body_source = locked.original_source
    message.body_html = locked.original_html
    message.body_text = locked.original_text
    message.save(update_fields=["body_source", "body_html", "body_text"])
    locked.delete()
    entry = _audit(
        viewer,
        "message.restored",
        message,
        community_id=None,
        reason=reason,
        before={"hidden": True},
        after={"hidden": False},
    )
    tell_member(
        user_id=message.author_id,
        actor=viewer,
        entry=entry,
        url=message.get_absolute_url(),
        what="message_restored",
        params={"reason": reason},
        community_id=None,
    )


# Members ----------------------------------------------------------------------------------------


def _active_role(community: Community, user: User) -> str | None:
    row = Membership.objects.filter(community=community, user=user).values_list("role", "state").first()
    return row[0] if row and row[1] == Membership.State.ACTIVE else None


def _community_url(community: Community) -> str:
    return reverse("communities:community_detail", kwargs={"slug": community.slug})


@transaction.atomic
def member_warn(*, actor: Viewer | User, community: Community, user: User, note: str) -> AuditEntry:
    """Send ``user`` a private warning about their behaviour in ``community`` (moderators+, not
    at people of their own rank or above). Delivered as a notification; audited with the note."""
    viewer = as_viewer(actor)
    require(can_sanction_member(viewer, community, user, _active_role(community, user)))
    note = clean_reason(note)
    entry = _audit(
        viewer,
        "member.warned",
        user,
        community_id=community.pk,
        reason=note,
        before={"warning": None},
        after={"warning": note},
    )
    tell_member(
        user_id=user.pk,
        actor=viewer,
        entry=entry,
        url=_community_url(community),
        what="warned",
        params={"community": community.name, "reason": note},
        community_id=community.pk,
    )
    return entry


def clean_until(until: dt.datetime) -> dt.datetime:
    now = timezone.now()
    if until is None or until <= now:
        raise ValidationError({"until": _("Choose a time in the future.")}, code="past")
    if until > now + dt.timedelta(days=MUTE_MAX_DAYS):
        raise ValidationError(
            {"until": _("A mute lasts at most %(days)d days; ban the person instead.") % {"days": MUTE_MAX_DAYS}},
            code="too_long",
        )
    return until


@transaction.atomic
def member_mute(
    *, actor: Viewer | User, community: Community, user: User, until: dt.datetime, reason: str
) -> MemberMute:
    """Stop ``user`` posting and commenting in ``community`` until ``until`` (moderators+, on people
    of a lower rank). A new mute replaces the current one. Audited; the member is told."""
    viewer = as_viewer(actor)
    require(can_sanction_member(viewer, community, user, _active_role(community, user)))
    reason = clean_reason(reason)
    until = clean_until(until)
    existing = MemberMute.objects.select_for_update().filter(community=community, user=user).first()
    before_until = existing.until if existing is not None and existing.until > timezone.now() else None
    mute, _created = MemberMute.objects.update_or_create(
        community=community,
        user=user,
        defaults={"until": until, "reason": reason, "created_by": acting_user(viewer), "created_at": timezone.now()},
    )
    entry = _audit(
        viewer,
        "member.muted",
        user,
        community_id=community.pk,
        reason=reason,
        before={"muted_until": before_until.isoformat() if before_until else None},
        after={"muted_until": until.isoformat()},
    )
    tell_member(
        user_id=user.pk,
        actor=viewer,
        entry=entry,
        url=_community_url(community),
        what="muted",
        params={
            "community": community.name,
            "reason": reason,
            "until": timezone.localtime(until).strftime("%d.%m.%Y %H:%M"),
        },
        community_id=community.pk,
    )
    return mute


@transaction.atomic
def member_unmute(*, actor: Viewer | User, community: Community, user: User, reason: str = "") -> None:
    """End ``user``'s mute in ``community`` early (moderators+). Audited; the member is told."""
    viewer = as_viewer(actor)
    require(can_sanction_member(viewer, community, user, _active_role(community, user)))
    reason = clean_reason(reason, required=False)
    mute = MemberMute.objects.select_for_update().filter(community=community, user=user).first()
    if mute is None or mute.until <= timezone.now():
        raise ValidationError(_("This person is not muted here."), code="not_muted")
    before_until = mute.until
    mute.delete()
    entry = _audit(
        viewer,
        "member.unmuted",
        user,
        community_id=community.pk,
        reason=reason,
        before={"muted_until": before_until.isoformat()},
        after={"muted_until": None},
    )
    tell_member(
        user_id=user.pk,
        actor=viewer,
        entry=entry,
        url=_community_url(community),
        what="unmuted",
        params={"community": community.name, "reason": reason},
        community_id=community.pk,
    )


# Rules and watched words ------------------------------------------------------------------------

RULE_FIELDS = ("premoderation", "premoderation_posts", "new_member_days", "new_member_posts_per_day", "tonality")
RULE_LIMITS = {"premoderation_posts": 50, "new_member_days": 365, "new_member_posts_per_day": 100}


@transaction.atomic
def community_rules_update(*, actor: Viewer | User, community: Community, **values: Any) -> CommunityRules:
    """Change the community's moderation rules (managers+ and coordinators). Only the fields in
    :data:`RULE_FIELDS` may be passed; unchanged values write nothing. Audited with before/after."""
    viewer = as_viewer(actor)
    require(can_manage_rules(viewer, community))
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown rule fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "premoderation" in values and values["premoderation"] not in CommunityRules.Premoderation.values:
        errors["premoderation"] = _("Choose one of the offered options.")
    if "tonality" in values and values["tonality"] not in CommunityRules.Tonality.values:
        errors["tonality"] = _("Choose one of the offered options.")
    for name, limit in RULE_LIMITS.items():
        if name in values and not (isinstance(values[name], int) and 0 <= values[name] <= limit):
            errors[name] = _("Enter a number from 0 to %(max)d.") % {"max": limit}
    if errors:
        raise ValidationError(errors)
    rules, _created = CommunityRules.objects.select_for_update().get_or_create(community=community)
    before = {name: getattr(rules, name) for name in values if getattr(rules, name) != values[name]}
    if not before:
        return rules
    for name in before:
        setattr(rules, name, values[name])
    rules.save(update_fields=[*before, "updated_at"])
    _audit(
        viewer,
        "community.rules_changed",
        community,
        community_id=community.pk,
        before=before,
        after={name: values[name] for name in before},
    )
    return rules


def _word_row(word: WatchedWord) -> dict[str, Any]:
    return {"pattern": word.pattern, "is_regex": word.is_regex, "action": word.action}


@transaction.atomic
def watched_word_add(
    *, actor: Viewer | User, community: Community | None, pattern: str, is_regex: bool = False, action: str
) -> WatchedWord:
    """Add a watched word to ``community`` (managers+) or platform-wide (``None``: coordinators of
    everything). Regular expressions are validated (see :mod:`.screening`). Audited."""
    viewer = as_viewer(actor)
    require(can_manage_rules(viewer, community) if community is not None else can_manage_platform_words(viewer))
    errors: dict[str, Any] = {}
    try:
        pattern = validate_pattern(pattern, is_regex=is_regex)
    except ValidationError as error:
        errors.update(error.message_dict)
    if action not in WatchedWord.Action.values:
        errors["action"] = [_("Choose one of the offered actions.")]
    if errors:
        raise ValidationError(errors)
    word = WatchedWord.objects.create(
        community=community, pattern=pattern, is_regex=is_regex, action=action, created_by=acting_user(viewer)
    )
    _audit(
        viewer,
        "watched_word.added",
        word,
        community_id=community.pk if community else None,
        before={},
        after=_word_row(word),
    )
    return word


@transaction.atomic
def watched_word_remove(*, actor: Viewer | User, word: WatchedWord) -> None:
    """Remove a watched word (same people as may add it). Audited with the removed rule."""
    viewer = as_viewer(actor)
    community = word.community
    require(can_manage_rules(viewer, community) if community is not None else can_manage_platform_words(viewer))
    before = _word_row(word)
    _audit(viewer, "watched_word.removed", word, community_id=word.community_id, before=before, after={})
    WatchedWord.objects.filter(pk=word.pk).delete()
