"""Reactions: toggle one person's reaction of one kind on a post or a comment.

The target row is locked (``FOR UPDATE``) while the reaction row and the stored counters change,
so ``reaction_count`` and the per-kind ``reaction_counts`` stay exact under concurrent clicks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities.core.services._common import acting_user
from communities.posts import events
from communities.posts.models import Comment, Post, Reaction, ReactionKind
from communities.posts.permissions import can_react
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User


@dataclass(frozen=True)
class ReactionResult:
    added: bool
    reaction_count: int
    reaction_counts: dict[str, int]


@transaction.atomic
def reaction_toggle(
    *, actor: Viewer | User, kind: str, post: Post | None = None, comment: Comment | None = None
) -> ReactionResult:
    """Add the actor's ``kind`` reaction to ``post`` or ``comment``, or take it back if present.

    Pass exactly one target. The passed object's counters are updated in place too.
    """
    viewer = as_viewer(actor)
    if (post is None) == (comment is None):
        raise ValueError("Pass exactly one of post and comment.")
    if comment is not None:
        host = Post.objects.select_related("community").get(pk=comment.post_id)
        require(can_react(viewer, host, comment))
    else:
        assert post is not None
        require(can_react(viewer, post))
    if kind not in ReactionKind.values:
        raise ValidationError(_("Choose one of the offered reactions."), code="invalid_choice")
    user = acting_user(viewer)
    target: Post | Comment
    locked_comment: Comment | None = None
    locked_post: Post | None = None
    if comment is not None:
        target = locked_comment = Comment.objects.select_for_update().get(pk=comment.pk)
        require(can_react(viewer, host, locked_comment))
        existing = Reaction.objects.filter(user=user, comment=locked_comment, kind=kind)
    else:
        assert post is not None
        target = locked_post = Post.objects.select_for_update(of=("self",)).select_related("community").get(pk=post.pk)
        require(can_react(viewer, locked_post))
        existing = Reaction.objects.filter(user=user, post=locked_post, comment__isnull=True, kind=kind)
    deleted, _rows = existing.delete()
    counts = {key: int(value) for key, value in (target.reaction_counts or {}).items() if int(value) > 0}
    if deleted:
        added = False
        counts[kind] = max(counts.get(kind, 0) - 1, 0)
        target.reaction_count = max(target.reaction_count - 1, 0)
    else:
        added = True
        Reaction.objects.create(user=user, comment=locked_comment, post=locked_post, kind=kind)
        counts[kind] = counts.get(kind, 0) + 1
        target.reaction_count += 1
    target.reaction_counts = {key: value for key, value in counts.items() if value > 0}
    target.save(update_fields=["reaction_count", "reaction_counts"])
    events.reaction_toggled(
        post=locked_post,
        comment=locked_comment,
        community_id=locked_post.community_id if locked_post is not None else None,
        actor_id=user.pk,
        added=added,
    )
    original = comment if comment is not None else post
    assert original is not None
    original.reaction_count = target.reaction_count
    original.reaction_counts = target.reaction_counts
    return ReactionResult(added, target.reaction_count, dict(target.reaction_counts))
