"""Writes on posts: create, edit (with revisions), soft delete, pin and lock.

Markdown is rendered once here; @mentions resolve only to people who can read the community. Stored
counters (``Community.post_count``, ``last_activity_at``) move with ``F()`` so concurrent writers
never lose an update.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core.models import Community
from communities.core.notices import clean_reason, tell_member
from communities.core.permissions import readers_of_community
from communities.core.services._common import UNSET, acting_user, is_set
from communities.posts import events
from communities.posts.models import Comment, ContentStatus, Mention, Post, PostRevision, PostTag
from communities.posts.permissions import (
    can_delete_post,
    can_edit_post,
    can_lock_post,
    can_pin_post,
    can_start_post_kind,
)
from communities.posts.screening import screen_edit, screen_post, screening_opened
from communities.posts.services.attachments import attachment_save, validate_uploads
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.markdown import MentionTarget, Rendered, plain_text, render_markdown
from intranet.core.models import AuditEntry
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

TITLE_MAX = 200
BODY_MAX = 20_000
MAX_TAGS = 10
TAG_MAX_LENGTH = 50


# Validation and rendering (shared with the comment services) ------------------------------------


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL; CommonMark replaces it with U+FFFD, and so do we.
    return text.replace("\x00", "\ufffd")


def clean_title(title: str) -> str:
    title = " ".join(_no_nul(title or "").split())
    if not title:
        raise ValidationError({"title": _("Give your post a title.")}, code="required")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("The title may have at most %(max)d characters.") % {"max": TITLE_MAX}}, code="max_length"
        )
    return title


def clean_body(body: str, *, field: str = "body", max_length: int = BODY_MAX) -> str:
    body = _no_nul(body or "").strip()
    if not body:
        raise ValidationError({field: _("Write some text.")}, code="required")
    if len(body) > max_length:
        raise ValidationError(
            {field: _("The text may have at most %(max)d characters.") % {"max": max_length}}, code="max_length"
        )
    return body


def clean_kind(kind: str) -> str:
    if kind not in Post.Kind.values:
        raise ValidationError({"kind": _("Choose one of the offered kinds of post.")}, code="invalid_choice")
    return kind


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, de-duplicated tag names, spelled like existing tags (one query)."""
    names: dict[str, str] = {}
    for raw in tags:
        name = " ".join(_no_nul(str(raw)).split()).strip(",;#")
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {"tags": _("A tag may have at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}}, code="tag_length"
            )
        names.setdefault(name.lower(), name)
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(max)d tags.") % {"max": MAX_TAGS}}, code="too_many_tags")
    if names:
        existing = PostTag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=list(names))
        for tag in existing:
            names[tag.lower_name] = tag.name  # type: ignore[attr-defined]
    return list(names.values())


def render_for_community(source: str, community: Community) -> tuple[Rendered, dict[str, int]]:
    """Render ``source``; mentions resolve (in one query) only to people who can read ``community``.

    Returns the rendering and ``{handle: user_id}`` of the people actually linked.
    """
    ids: dict[str, int] = {}

    def resolve(handles: set[str]) -> dict[str, MentionTarget]:
        people = readers_of_community(community).filter(handle__in=sorted(handles)).only("pk", "handle", "display_name")
        targets: dict[str, MentionTarget] = {}
        for person in people:
            key = person.handle.lower()
            ids[key] = person.pk
            targets[key] = MentionTarget(
                handle=person.handle, display_name=person.display_name, url=person.get_absolute_url()
            )
        return targets

    rendered = render_markdown(source, resolve_mentions=resolve)
    return rendered, {handle: ids[handle] for handle in rendered.mentions if handle in ids}


def sync_mentions(
    *, post: Post, comment: Comment | None, user_ids: Iterable[int], edited: bool = False, created: bool = False
) -> set[int]:
    """Make the Mention rows of ``post`` (or of ``comment``) exactly ``user_ids``; returns the new ones.

    Records ``mentions.changed`` when someone was added or removed (``edited``: by an edit, whose new
    mentions are notified on their own; a new post or comment notifies its mentions itself).
    ``created``: the post or comment was inserted in this transaction, so it has no mentions yet and
    the look-up is skipped.
    """
    wanted = set(user_ids)
    rows = (
        Mention.objects.filter(post=post, comment=comment)
        if comment
        else Mention.objects.filter(post=post, comment__isnull=True)
    )
    existing: set[int] = set() if created else set(rows.values_list("user_id", flat=True))
    if existing - wanted:
        rows.filter(user_id__in=existing - wanted).delete()
    added = wanted - existing
    if added:
        Mention.objects.bulk_create([Mention(post=post, comment=comment, user_id=uid) for uid in sorted(added)])
    if added or existing - wanted:
        events.mentions_changed(post=post, comment=comment, added=added, removed=existing - wanted, edited=edited)
    return added


def _lock_post(post: Post) -> Post:
    locked = Post.objects.select_for_update(of=("self",)).select_related("community").get(pk=post.pk)
    return locked


def _audit_post(viewer: Viewer, action: str, post: Post, **extra: Any) -> AuditEntry:
    return audit_log(
        actor=viewer.user if viewer.is_authenticated else None,
        action=action,
        target=post,
        scope=f"community:{post.community_id}",
        **extra,
    )


# Services ---------------------------------------------------------------------------------------


@idempotent("posts.post_create", replay=lambda pk: Post.objects.select_related("community").get(pk=pk))
def post_create(
    *,
    actor: Viewer | User,
    community: Community,
    kind: str = Post.Kind.DISCUSSION,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    attachments: Sequence[UploadedFile] = (),
    idempotency_key: uuid.UUID | None = None,
) -> Post:
    """Start a post in ``community`` (active members; announcements managers+).

    Renders the Markdown, writes Mention rows for the people linked (only readers of the community),
    stores attachments (all validated before anything is written), bumps the community's
    ``post_count`` and ``last_activity_at`` and publishes ``post.created`` to ``community.<id>`` on
    commit. Raises ``ValidationError`` with field keys for bad input; nothing is saved then. With
    ``idempotency_key`` (the form's), sending the same form again returns the post it created.
    """
    viewer = as_viewer(actor)
    if kind in Post.Kind.values:
        require(can_start_post_kind(viewer, community, kind))
    else:
        require(can_start_post_kind(viewer, community, Post.Kind.DISCUSSION))
    author = acting_user(viewer)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, check in (
        ("kind", lambda: clean_kind(kind)),
        ("title", lambda: clean_title(title)),
        ("body", lambda: clean_body(body)),
        ("tags", lambda: clean_tags(tags)),
        ("attachments", lambda: validate_uploads(list(attachments), existing=0)),
    ):
        try:
            cleaned[name] = check()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    screening = screen_post(viewer=viewer, community=community, title=cleaned["title"], body=cleaned["body"])
    rendered, mentioned = render_for_community(cleaned["body"], community)
    now = timezone.now()
    post = Post.objects.create(
        community=community,
        author=author,
        kind=cleaned["kind"],
        title=cleaned["title"],
        body_source=cleaned["body"],
        body_html=rendered.html,
        body_text=plain_text(rendered.html),
        status=screening.status,
        created_at=now,
        last_activity_at=now,
    )
    if cleaned["tags"]:
        post.tags.set(cleaned["tags"])
    sync_mentions(post=post, comment=None, user_ids=mentioned.values(), created=True)
    for upload in cleaned["attachments"]:
        attachment_save(post=post, uploaded_by=author, upload=upload)
    screening_opened(screening, post=post)
    if screening.is_held:  # counted, announced and notified when a moderator approves it
        return post
    Community.objects.filter(pk=community.pk).update(post_count=F("post_count") + 1, last_activity_at=now)
    community.post_count += 1
    community.last_activity_at = now
    events.post_created(post)
    return post


@transaction.atomic
def post_update(
    *,
    actor: Viewer | User,
    post: Post,
    title: str = UNSET,
    body: str = UNSET,
    tags: Iterable[str] = UNSET,
    reason: str = "",
) -> Post:
    """Edit a post (author or moderators+). The previous version is kept as a PostRevision first;
    mentions are re-synchronised. Returns the post unchanged (no revision) when nothing changed.

    The new text is screened like a new post's (:func:`.screening.screen_edit`): a blocking word
    refuses the edit; a holding word the edit brings in takes a published post back to "pending"
    (it leaves ``post_count`` and open pages, ``post.hidden`` on commit) until a moderator approves
    it; a flagging word opens a "flagged" inbox item.

    A text edit by someone other than the author needs ``reason``: it is shown with the "edited by
    a moderator" note, audited once (``post.edited``, before/after) and the author is told.
    """
    viewer = as_viewer(actor)
    require(can_edit_post(viewer, post))
    locked = _lock_post(post)
    require(can_edit_post(viewer, locked))
    new_title = clean_title(title) if is_set(title) else locked.title
    new_body = clean_body(body) if is_set(body) else locked.body_source
    new_tags = clean_tags(tags) if is_set(tags) else None
    old_tags = sorted(locked.tags.names()) if new_tags is not None else None
    text_changed = new_title != locked.title or new_body != locked.body_source
    tags_changed = new_tags is not None and sorted(new_tags) != old_tags
    if not text_changed and not tags_changed:
        return locked
    editor = acting_user(viewer)
    by_moderator = editor.pk != locked.author_id and text_changed
    if by_moderator:
        reason = clean_reason(reason)
    screening = (
        screen_edit(
            viewer=viewer,
            community=locked.community,
            old_text=f"{locked.title}\n{locked.body_source}",
            new_text=f"{new_title}\n{new_body}",
        )
        if text_changed
        else None
    )
    now = timezone.now()
    fields = ["title", "body_source", "body_html", "body_text", "edited_at", "edited_by", "moderator_note"]
    if text_changed:
        PostRevision.objects.create(
            post=locked,
            title=locked.title,
            body_source=locked.body_source,
            edited_by_id=locked.edited_by_id or locked.author_id,
            created_at=locked.edited_at or locked.created_at,
        )
        before = {"title": locked.title, "body_source": locked.body_source}
        rendered, mentioned = render_for_community(new_body, locked.community)
        locked.title = new_title
        locked.body_source = new_body
        locked.body_html = rendered.html
        locked.body_text = plain_text(rendered.html)
        locked.moderator_note = reason if by_moderator else ""
        sync_mentions(post=locked, comment=None, user_ids=mentioned.values(), edited=True)
    locked.edited_at = now
    locked.edited_by = editor
    held = screening is not None and screening.is_held and locked.status == ContentStatus.PUBLISHED
    if held:
        locked.status = ContentStatus.PENDING
        locked.is_pinned, locked.pinned_at = False, None
        fields += ["status", "is_pinned", "pinned_at"]
    locked.save(update_fields=fields)
    if new_tags is not None and tags_changed:
        locked.tags.set(new_tags)
    if held:
        Community.objects.filter(pk=locked.community_id).update(post_count=Greatest(F("post_count") - 1, 0))
        events.post_visibility_changed(locked, events.POST_HIDDEN)
    if screening is not None and (held or screening.flagged_by):
        if not held:
            screening.status = ContentStatus.PUBLISHED
        screening_opened(screening, post=locked)
    if by_moderator:
        _moderator_edited(viewer, locked, before=before, reason=reason)
    if locked.status == ContentStatus.PUBLISHED:
        events.post_edited(locked, editor_id=editor.pk)
    post.status, post.edited_at, post.moderator_note = locked.status, locked.edited_at, locked.moderator_note
    return locked


def _moderator_edited(viewer: Viewer, post: Post, *, before: dict[str, Any], reason: str) -> None:
    entry = _audit_post(
        viewer,
        "post.edited",
        post,
        reason=reason,
        before=before,
        after={"title": post.title, "body_source": post.body_source},
    )
    tell_member(
        user_id=post.author_id,
        actor=viewer,
        entry=entry,
        url=post.get_absolute_url(),
        what="post_edited",
        params={"title": post.title, "community": post.community.name, "reason": reason},
        community_id=post.community_id,
    )


@transaction.atomic
def post_delete(*, actor: Viewer | User, post: Post, reason: str = "") -> Post:
    """Soft-delete a post (author or moderators+): it disappears for everyone but moderators.

    A published post leaves the community's ``post_count``. Deletion by someone other than the
    author is audited with ``reason``.
    """
    viewer = as_viewer(actor)
    require(can_delete_post(viewer, post))
    locked = _lock_post(post)
    require(can_delete_post(viewer, locked))
    locked.deleted_at = timezone.now()
    locked.is_pinned = False
    locked.save(update_fields=["deleted_at", "is_pinned"])
    if locked.status == ContentStatus.PUBLISHED:
        Community.objects.filter(pk=locked.community_id).update(post_count=Greatest(F("post_count") - 1, 0))
        events.post_deleted(locked, actor_id=viewer.user_id)
    if viewer.user_id != locked.author_id:
        _audit_post(viewer, "post.deleted", locked, reason=reason, before={"deleted": False}, after={"deleted": True})
    post.deleted_at = locked.deleted_at
    return locked


def _set_flag(viewer: Viewer, post: Post, *, field: str, value: bool, action: str) -> Post:
    locked = _lock_post(post)
    if getattr(locked, field) == value:
        return locked
    setattr(locked, field, value)
    fields = [field]
    if field == "is_pinned":
        locked.pinned_at = timezone.now() if value else None
        fields.append("pinned_at")
    locked.save(update_fields=fields)
    _audit_post(viewer, action, locked, before={field: not value}, after={field: value})
    return locked


@transaction.atomic
def post_pin(*, actor: Viewer | User, post: Post) -> Post:
    """Pin a post above the community's stream (moderators+; audited; no-op if pinned)."""
    viewer = as_viewer(actor)
    require(can_pin_post(viewer, post))
    return _set_flag(viewer, post, field="is_pinned", value=True, action="post.pinned")


@transaction.atomic
def post_unpin(*, actor: Viewer | User, post: Post) -> Post:
    viewer = as_viewer(actor)
    require(can_pin_post(viewer, post))
    return _set_flag(viewer, post, field="is_pinned", value=False, action="post.unpinned")


@transaction.atomic
def post_lock(*, actor: Viewer | User, post: Post) -> Post:
    """Close a post for new comments except from moderators (moderators+; audited)."""
    viewer = as_viewer(actor)
    require(can_lock_post(viewer, post))
    return _set_flag(viewer, post, field="is_locked", value=True, action="post.locked")


@transaction.atomic
def post_unlock(*, actor: Viewer | User, post: Post) -> Post:
    viewer = as_viewer(actor)
    require(can_lock_post(viewer, post))
    return _set_flag(viewer, post, field="is_locked", value=False, action="post.unlocked")
