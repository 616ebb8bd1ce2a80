"""Writes of the Community Canvas: saving a new version, review comments and resolving them.

Saves are not audited: every save *is* a permanent record (an immutable :class:`CanvasVersion` with
author and time), so an audit row would only duplicate it. Review actions (a coordinator's comment, a
manager resolving it) are audited, one row each, because they are oversight of a team by people
outside it and leave no other trace of who did what.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.canvas.models import CanvasComment, CanvasVersion, CommunityCanvas
from communities.canvas.permissions import can_edit_canvas, can_resolve_canvas_comment, can_review_canvas
from communities.canvas.selectors import answers_complete
from communities.canvas.themes import THEME_KEYS, THEMES_BY_KEY
from communities.core.models import Community
from communities.core.services._common import acting_user
from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

MAX_ANSWER_CHARS = 5000


class CanvasConflict(Exception):
    """Someone saved a newer version since the editor loaded ``base_version``."""

    def __init__(self, *, base_version: int, current: CanvasVersion | None) -> None:
        self.base_version = base_version
        self.current = current
        super().__init__(f"canvas changed since version {base_version}")


def _scope(community: Community) -> str:
    return f"community:{community.pk}"


def _lock_head(community: Community) -> CommunityCanvas:
    """The canvas head under ``FOR UPDATE``, created (version 0, empty) if it does not exist yet.

    ``ignore_conflicts`` makes two first saves racing each other safe: both insert-or-skip, then
    both wait for the same row lock, and the second sees the first one's version.
    """
    CommunityCanvas.objects.bulk_create([CommunityCanvas(community=community)], ignore_conflicts=True)
    return CommunityCanvas.objects.select_for_update().get(pk=community.pk)


def _clean_answers(answers: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in THEME_KEYS:
        text = str(answers.get(key) or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > MAX_ANSWER_CHARS:
            errors[key] = _("Please keep each answer under %(limit)s characters.") % {"limit": MAX_ANSWER_CHARS}
        if text:
            cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def canvas_save(*, actor: Viewer, community: Community, answers: Mapping[str, str], base_version: int) -> CanvasVersion:
    """Save ``answers`` ({theme key: markdown}) as the next version of the community's canvas.

    ``base_version`` is the version the editor started from; if another save came first, raises
    :class:`CanvasConflict` and changes nothing (the caller keeps the editor's text). Raises
    ``ValidationError`` for over-long answers or when nothing changed. Holds the canvas row lock while
    numbering, so concurrent saves get consecutive numbers or a conflict, never a lost update.
    Stores ``completed_at`` when the canvas becomes complete and clears it when it stops being so.
    """
    viewer = as_viewer(actor)
    require(can_edit_canvas(viewer, community))
    user = acting_user(viewer)
    cleaned = _clean_answers(answers)
    with transaction.atomic():
        canvas = _lock_head(community)
        if canvas.version_number != base_version:
            current = (
                CanvasVersion.objects.filter(canvas_id=canvas.pk, number=canvas.version_number)
                .select_related("author")
                .first()
            )
            raise CanvasConflict(base_version=base_version, current=current)
        previous = canvas.answers or {}
        changed = [key for key in THEME_KEYS if (previous.get(key) or "") != (cleaned.get(key) or "")]
        if not changed:
            raise ValidationError(_("Nothing has changed, so no new version was saved."))
        now = timezone.now()
        version = CanvasVersion.objects.create(
            canvas=canvas,
            number=canvas.version_number + 1,
            author=user,
            created_at=now,
            answers=cleaned,
            changed_themes=changed,
        )
        complete = answers_complete(cleaned)
        canvas.version_number = version.number
        canvas.answers = cleaned
        canvas.updated_by = user
        canvas.updated_at = now
        if not complete:
            canvas.completed_at = None
        elif canvas.completed_at is None:
            canvas.completed_at = now
        canvas.save(update_fields=["version_number", "answers", "updated_by", "updated_at", "completed_at"])
    return version


@idempotent("canvas.comment_add", replay=lambda pk: CanvasComment.objects.get(pk=pk))
def canvas_comment_add(
    *, actor: Viewer, community: Community, text: str, theme: str = "", idempotency_key: uuid.UUID | None = None
) -> CanvasComment:
    """A coordinator's review comment on the canvas (about one theme, or the whole canvas with
    ``theme=""``). Works before the first save too (the empty canvas head is created). One audit row
    ``community.canvas_comment``. With ``idempotency_key`` (the form's), sending the same form again
    returns the comment it added."""
    viewer = as_viewer(actor)
    require(can_review_canvas(viewer, community))
    user = acting_user(viewer)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write a comment.")})
    if len(text) > 4000:
        raise ValidationError({"text": _("Please keep the comment under 4000 characters.")})
    if theme and theme not in THEMES_BY_KEY:
        raise ValidationError({"theme": _("Please choose a theme of the canvas.")})
    canvas = _lock_head(community)
    comment = CanvasComment.objects.create(
        canvas=canvas, theme=theme, text=text, version_number=canvas.version_number, author=user
    )
    audit_log(
        actor=user,
        action="community.canvas_comment",
        target=comment,
        scope=_scope(community),
        after={"theme": theme, "version": canvas.version_number},
    )
    return comment


def canvas_comment_resolve(*, actor: Viewer, community: Community, comment: CanvasComment) -> CanvasComment:
    """Mark a review comment resolved (managers, or its author). One audit row
    ``community.canvas_comment_resolve``. Resolving twice is refused (the predicate sees it)."""
    viewer = as_viewer(actor)
    require(comment.canvas_id == community.pk and can_resolve_canvas_comment(viewer, community, comment))
    user = acting_user(viewer)
    with transaction.atomic():
        locked = CanvasComment.objects.select_for_update().get(pk=comment.pk)
        require(not locked.is_resolved)
        locked.is_resolved = True
        locked.resolved_by = user
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["is_resolved", "resolved_by", "resolved_at"])
        audit_log(
            actor=user,
            action="community.canvas_comment_resolve",
            target=locked,
            scope=_scope(community),
            before={"resolved": False},
            after={"resolved": True},
        )
    return locked
