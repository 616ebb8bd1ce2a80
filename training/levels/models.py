"""Career levels of community managers, their requirements and the rights they unlock.

A person holds at most one level (:class:`UserLevel`); rights are cumulative by rank, so a
higher level includes every right of the lower ones. Rights that other apps enforce are granted as
Django permissions through one auth group per level (``Level.group``), so those apps need not know
this one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LevelRight(models.TextChoices):
    CREATE_OFFICIAL_COMMUNITIES = "create_official_communities", _("Create official communities")
    MENTOR_OTHERS = "mentor_others", _("Mentor other community managers")
    MODERATE_CATEGORY = "moderate_category", _("Moderate a category")


class EvidenceKind(models.TextChoices):
    NONE = "none", _("No evidence from the platform")
    CANVAS = "canvas", _("A completed Community Canvas in a community one runs")
    HEALTH = "health", _("A community one runs with at least the given health score")


class Level(models.Model):
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("Higher ranks come later in a career."))
    description = models.TextField(_("description"), blank=True)
    required_programmes = models.ManyToManyField(
        "training.Programme",
        blank=True,
        related_name="+",
        verbose_name=_("required certificates"),
        help_text=_("A valid certificate of each of these programmes is required."),
    )
    min_manager_months = models.PositiveSmallIntegerField(_("minimum months as a community manager"), default=0)
    evidence = models.CharField(_("evidence"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.NONE)
    min_health_score = models.PositiveSmallIntegerField(_("minimum health score"), null=True, blank=True)
    rights = ArrayField(
        models.CharField(max_length=40, choices=LevelRight.choices), default=list, blank=True, verbose_name=_("rights")
    )
    group = models.OneToOneField(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="training_level", editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def right_labels(self) -> list[str]:
        labels = dict(LevelRight.choices)
        return [str(labels.get(right, right)) for right in self.rights]


class UserLevel(models.Model):
    """The level a person holds now (one row per person at most)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_level")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="holders")
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("level of a person")
        verbose_name_plural = _("levels of people")

    def __str__(self) -> str:
        return f"user {self.user_id} at level {self.level_id}"


class LevelChange(models.Model):
    """History of a person's levels, shown on their profile (the audit log has the same facts)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    from_level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="level_change_user_recent")]

    def __str__(self) -> str:
        return f"user {self.user_id}: {self.from_level_id} -> {self.to_level_id}"


class LevelApplication(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="level_applications")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="applications")
    evidence_text = models.TextField(_("evidence"), max_length=5000)
    evidence_links = models.TextField(_("links"), max_length=2000, blank=True, help_text=_("One address per line."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("level application")
        verbose_name_plural = _("level applications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level"], condition=Q(state="submitted"), name="level_application_one_open"
            )
        ]
        indexes = [models.Index(fields=["state", "submitted_at", "id"], name="level_application_queue")]

    def __str__(self) -> str:
        return f"application of user {self.user_id} for level {self.level_id}"

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]
