"""The Community Canvas of a community: its current answers, every saved version and review comments.

Saves never change a version: each save appends a :class:`CanvasVersion` and copies its answers onto
the :class:`CommunityCanvas` row (the "head"), so the canvas page reads one row and the history keeps
every earlier text. ``completed_at`` is stored when a save makes the canvas complete (see
:func:`communities.canvas.selectors.canvas_is_complete`), so "which communities have a complete
canvas" is a single indexed query.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.core.models import Community


class CommunityCanvas(models.Model):
    """The head of a community's canvas (one row per community, created on the first save)."""

    community = models.OneToOneField(Community, on_delete=models.CASCADE, primary_key=True, related_name="canvas")
    version_number = models.PositiveIntegerField(_("version"), default=0)
    answers: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(_("answers"), default=dict)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("community canvas")
        verbose_name_plural = _("community canvases")

    def __str__(self) -> str:
        return f"canvas of community {self.community_id}"


class CanvasVersion(models.Model):
    """One saved state of a canvas; never changed after it is written."""

    canvas = models.ForeignKey(CommunityCanvas, on_delete=models.CASCADE, related_name="versions", db_index=False)
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    answers: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(_("answers"), default=dict)
    # Keys of the themes whose text differs from the previous version, in framework order.
    changed_themes: models.JSONField[list[str], list[str]] = models.JSONField(
        _("changed themes"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("canvas version")
        verbose_name_plural = _("canvas versions")
        constraints = [models.UniqueConstraint(fields=["canvas", "number"], name="canvas_version_once")]

    def __str__(self) -> str:
        return f"canvas {self.canvas_id} v{self.number}"


class CanvasComment(models.Model):
    """A coordinator's review note on a canvas, optionally about one theme."""

    canvas = models.ForeignKey(CommunityCanvas, on_delete=models.CASCADE, related_name="comments", db_index=False)
    theme = models.CharField(_("theme"), max_length=30, blank=True)
    text = models.TextField(_("comment"), max_length=4000)
    version_number = models.PositiveIntegerField(_("on version"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    is_resolved = models.BooleanField(_("resolved"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("canvas comment")
        verbose_name_plural = _("canvas comments")
        indexes = [models.Index(fields=["canvas", "is_resolved", "-created_at"], name="canvas_comment_open")]

    def __str__(self) -> str:
        return f"comment {self.pk} on canvas {self.canvas_id}"
