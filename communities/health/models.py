"""Community health: membership history, daily aggregate figures and the computed health score.

Everything here is an aggregate per community, except ``MembershipEvent`` which is the raw history
the figures are computed from (who joined or left when). No row records what an individual read.
Rows are written by ``communities.core.services`` (events) and by the nightly figures job.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.core.models import Community


class MembershipEvent(models.Model):
    """One change of a membership, written in the same transaction as the change itself."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")
        BANNED = "banned", _("Banned")
        UNBANNED = "unbanned", _("Ban lifted")
        ROLE_CHANGED = "role_changed", _("Role changed")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="membership_events", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    #: The role after the event (for ``joined`` and ``role_changed``), else the role held before.
    role = models.CharField(_("role"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        indexes = [models.Index(fields=["community", "created_at"], name="membership_event_community")]

    def __str__(self) -> str:
        return f"{self.kind} community {self.community_id} user {self.user_id} @ {self.created_at:%Y-%m-%d}"


class CommunityDayFigures(models.Model):
    """Aggregate figures of one community for one calendar day (in the site's time zone)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="day_figures", db_index=False)
    day = models.DateField(_("day"))
    members = models.PositiveIntegerField(_("members"), default=0)
    joins = models.PositiveIntegerField(_("joined"), default=0)
    leaves = models.PositiveIntegerField(_("left"), default=0)
    active_7d = models.PositiveIntegerField(_("active members (7 days)"), default=0)
    active_30d = models.PositiveIntegerField(_("active members (30 days)"), default=0)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reactions = models.PositiveIntegerField(_("reactions"), default=0)
    questions = models.PositiveIntegerField(_("questions asked"), default=0)
    questions_answered = models.PositiveIntegerField(_("questions answered"), default=0)
    median_first_answer_minutes = models.PositiveIntegerField(_("median time to first answer (minutes)"), null=True)
    no_reply_share = models.FloatField(_("share of posts without reply"), null=True)
    manager_actions = models.PositiveIntegerField(_("manager actions"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily community figures")
        verbose_name_plural = _("daily community figures")
        constraints = [models.UniqueConstraint(fields=["community", "day"], name="community_day_figures_once")]
        indexes = [models.Index(fields=["day"], name="community_day_figures_day")]

    def __str__(self) -> str:
        return f"community {self.community_id} on {self.day}"


class CommunityHealth(models.Model):
    """The latest health assessment of one community, recomputed by the nightly job."""

    class State(models.TextChoices):
        THRIVING = "thriving", _("Thriving")
        STEADY = "steady", _("Steady")
        SLOWING = "slowing", _("Slowing down")
        DORMANT = "dormant", _("Dormant")
        ORPHANED = "orphaned", _("Orphaned")

    community = models.OneToOneField(Community, on_delete=models.CASCADE, primary_key=True, related_name="health")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.STEADY)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    size_class = models.CharField(_("size class"), max_length=12, blank=True)
    #: ``[{"code": str, "params": {...}}, ...]``; turned into sentences by ``selectors_health.explain``.
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    #: Twelve weekly activity numbers (posts + comments + reactions), oldest first.
    trend = models.JSONField(_("trend"), default=list, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("community health")
        verbose_name_plural = _("community health")
        indexes = [models.Index(fields=["state", "score"], name="community_health_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="community_health_score_range"),
        ]

    def __str__(self) -> str:
        return f"community {self.community_id}: {self.state} ({self.score})"
