"""Writes on comments and accepted answers.

Comments nest one level: a reply to a reply attaches to the top-level comment. Counters
(``Post.comment_count``, ``last_activity_at`` of post and community) move with ``F()``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core.models import Community
from communities.core.notices import clean_reason, tell_member
from communities.core.services._common import acting_user
from communities.posts import events
from communities.posts.models import Comment, ContentStatus, Post
from communities.posts.permissions import can_accept_answer, can_comment_on_post, can_delete_comment, can_edit_comment
from communities.posts.screening import screen_comment, screen_edit, screening_opened
from communities.posts.services.posts import clean_body, render_for_community, sync_mentions
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

COMMENT_MAX = 10_000


def _lock_post(post: Post) -> Post:
    return Post.objects.select_for_update(of=("self",)).select_related("community").get(pk=post.pk)


@idempotent("posts.comment_create", replay=lambda pk: Comment.objects.get(pk=pk))
def comment_create(
    *,
    actor: Viewer | User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Comment:
    """Comment on ``post``, or reply to ``parent`` (a reply to a reply joins the top-level comment).

    Refused on locked posts except for moderators. Bumps ``post.comment_count`` and the activity
    times of post and community; publishes ``comment.created`` to ``community.<id>`` and
    ``post.<id>``, and ``post.counters`` to both, on commit. With ``idempotency_key`` (the form's),
    sending the same form again returns the comment it created.
    """
    viewer = as_viewer(actor)
    require(can_comment_on_post(viewer, post))
    locked = _lock_post(post)  # a concurrent lock or delete is seen before we write
    require(can_comment_on_post(viewer, locked))
    if parent is not None:
        if parent.post_id != locked.pk or parent.deleted_at is not None:
            raise ValidationError({"parent": _("You can only reply to a comment of this post.")}, code="bad_parent")
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    text = clean_body(body, max_length=COMMENT_MAX)
    screening = screen_comment(viewer=viewer, post=locked, body=text)
    rendered, mentioned = render_for_community(text, locked.community)
    now = timezone.now()
    comment = Comment.objects.create(
        post=locked,
        parent=parent,
        author=acting_user(viewer),
        body_source=text,
        body_html=rendered.html,
        status=screening.status,
        created_at=now,
    )
    sync_mentions(post=locked, comment=comment, user_ids=mentioned.values(), created=True)
    screening_opened(screening, post=locked, comment=comment)
    if screening.is_held:  # counted and announced when a moderator publishes it
        return comment
    Post.objects.filter(pk=locked.pk).update(comment_count=F("comment_count") + 1, last_activity_at=now)
    Community.objects.filter(pk=locked.community_id).update(last_activity_at=now)
    post.comment_count = locked.comment_count + 1
    post.last_activity_at = now
    events.comment_created(comment, locked, comment_count=locked.comment_count + 1)
    return comment


def _load(comment: Comment) -> Comment:
    locked = Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
    locked.post = Post.objects.select_related("community").get(pk=locked.post_id)
    return locked


@transaction.atomic
def comment_update(*, actor: Viewer | User, comment: Comment, body: str, reason: str = "") -> Comment:
    """Change a comment's text (its author, or moderators+); mentions are re-synchronised.

    Screened like a new comment (:func:`.screening.screen_edit`): a blocking word refuses the edit,
    a holding word the edit brings in takes a published comment back to "pending" (it leaves
    ``comment_count``) with a "held" inbox item, a flagging word opens a "flagged" item.

    An edit by someone other than the author needs ``reason`` (shown with the "edited by a
    moderator" note), is audited once (``comment.edited``, before/after) and the author is told.
    """
    viewer = as_viewer(actor)
    require(can_edit_comment(viewer, comment))
    locked = _load(comment)
    require(can_edit_comment(viewer, locked))
    text = clean_body(body, max_length=COMMENT_MAX)
    if text == locked.body_source:
        return locked
    editor = acting_user(viewer)
    by_moderator = editor.pk != locked.author_id
    if by_moderator:
        reason = clean_reason(reason)
    community = locked.post.community
    screening = screen_edit(viewer=viewer, community=community, old_text=locked.body_source, new_text=text)
    before = locked.body_source
    rendered, mentioned = render_for_community(text, community)
    locked.body_source = text
    locked.body_html = rendered.html
    locked.edited_at = timezone.now()
    locked.edited_by = editor
    locked.moderator_note = reason if by_moderator else ""
    fields = ["body_source", "body_html", "edited_at", "edited_by", "moderator_note"]
    held = screening.is_held and locked.status == ContentStatus.PUBLISHED
    if held:
        locked.status = ContentStatus.PENDING
        fields.append("status")
    locked.save(update_fields=fields)
    sync_mentions(post=locked.post, comment=locked, user_ids=mentioned.values(), edited=True)
    if held:
        Post.objects.filter(pk=locked.post_id).update(comment_count=Greatest(F("comment_count") - 1, 0))
        Post.objects.filter(pk=locked.post_id, accepted_comment=locked).update(accepted_comment=None)
    if held or screening.flagged_by:
        if not held:
            screening.status = ContentStatus.PUBLISHED
        screening_opened(screening, post=locked.post, comment=locked)
    if by_moderator:
        entry = audit_log(
            actor=viewer.user,
            action="comment.edited",
            target=locked,
            scope=f"community:{community.pk}",
            reason=reason,
            before={"body_source": before},
            after={"body_source": text},
        )
        tell_member(
            user_id=locked.author_id,
            actor=viewer,
            entry=entry,
            url=f"{locked.post.get_absolute_url()}#comment-{locked.pk}",
            what="comment_edited",
            params={"title": locked.post.title, "community": community.name, "reason": reason},
            community_id=community.pk,
        )
    comment.body_source, comment.status, comment.moderator_note = text, locked.status, locked.moderator_note
    return locked


@transaction.atomic
def comment_delete(*, actor: Viewer | User, comment: Comment, reason: str = "") -> Comment:
    """Soft-delete a comment (author or moderators+). It leaves ``comment_count`` and, if it was the
    accepted answer, stops being one. Deletion by someone other than the author is audited."""
    viewer = as_viewer(actor)
    require(can_delete_comment(viewer, comment))
    locked = _load(comment)
    require(can_delete_comment(viewer, locked))
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at"])
    if locked.status == ContentStatus.PUBLISHED:
        Post.objects.filter(pk=locked.post_id).update(comment_count=Greatest(F("comment_count") - 1, 0))
        events.post_counters_changed(
            locked.post,
            comment_count=max(locked.post.comment_count - 1, 0),
            reaction_count=locked.post.reaction_count,
            reaction_counts=locked.post.reaction_counts,
        )
    Post.objects.filter(pk=locked.post_id, accepted_comment=locked).update(accepted_comment=None)
    if viewer.user_id != locked.author_id:
        audit_log(
            actor=viewer.user,
            action="comment.deleted",
            target=locked,
            scope=f"community:{locked.post.community_id}",
            reason=reason,
            before={"deleted": False},
            after={"deleted": True},
        )
    comment.deleted_at = locked.deleted_at
    return locked


@transaction.atomic
def answer_accept(*, actor: Viewer | User, post: Post, comment: Comment) -> Post:
    """Mark ``comment`` as the accepted answer of the question ``post`` (asker or managers+)."""
    viewer = as_viewer(actor)
    require(can_accept_answer(viewer, post))
    locked = _lock_post(post)
    require(can_accept_answer(viewer, locked))
    if comment.post_id != locked.pk or comment.deleted_at is not None or comment.status != ContentStatus.PUBLISHED:
        raise ValidationError(
            _("Only a visible comment on this question can be its accepted answer."), code="bad_answer"
        )
    locked.accepted_comment = comment
    locked.save(update_fields=["accepted_comment"])
    events.answer_accepted(locked, comment, viewer.user_id)
    post.accepted_comment = comment
    return locked


@transaction.atomic
def answer_unaccept(*, actor: Viewer | User, post: Post) -> Post:
    """Withdraw the accepted answer of the question ``post`` (asker or managers+)."""
    viewer = as_viewer(actor)
    require(can_accept_answer(viewer, post))
    locked = _lock_post(post)
    require(can_accept_answer(viewer, locked))
    if locked.accepted_comment_id is not None:
        locked.accepted_comment = None
        locked.save(update_fields=["accepted_comment"])
    post.accepted_comment = None
    return locked
