"""Community health: membership history, daily aggregate figures and the computed health score.

Everything here is an aggregate per community, except ``MembershipEvent`` which is the raw history
the figures are computed from (who joined or left when). No row records what an individual read.
Rows are written by ``communities.core.services`` (events) and by the nightly figures job.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.core.models import Community


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
