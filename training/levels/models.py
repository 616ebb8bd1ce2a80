"""Career levels of community managers, their requirements and the rights they unlock.

A person holds at most one level (:class:`UserLevel`); rights are cumulative by rank, so a
higher level includes every right of the lower ones. Rights that other apps enforce are granted as
Django permissions through one auth group per level (``Level.group``), so those apps need not know
this one.

A level has its name and description in English and German (``name_en``/``name_de``); ``name``
and ``description`` read the one of the active language, falling back to the other. Its rights are
rows of :class:`LevelRightGrant`, each a code of the registry in :mod:`training.levels.rights`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .rights import RIGHTS, LevelRight, Right


class EvidenceKind(models.TextChoices):
    NONE = "none", _("No evidence from the platform")
    CANVAS = "canvas", _("A completed Community Canvas in a community one runs")
    HEALTH = "health", _("A community one runs with at least the given health score")


def _in_language(english: str, german: str) -> str:
    """The German text in a German interface and the English one otherwise; the other if empty."""
    if (get_language() or "").lower().startswith("de"):
        return german or english
    return english or german


class Level(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("Higher ranks come later in a career."))
    description_en = models.TextField(_("description (English)"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
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
    #: Codes the old free-text rights held that are no right of the registry (kept by migration
    #: 0003 so nothing is lost; shown to coordinators on the level form until they clear them).
    unrecognised_rights = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        editable=False,
        verbose_name=_("unrecognised rights"),
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
    def name(self) -> str:
        return _in_language(self.name_en, self.name_de)

    @name.setter
    def name(self, value: str) -> None:
        # ``Level(name=...)``: one name for both languages until a coordinator translates it.
        self.name_en = value

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_de)

    @description.setter
    def description(self, value: str) -> None:
        self.description_en = value

    @property
    def missing_translations(self) -> list[str]:
        """Languages whose name is missing (the other language is shown instead)."""
        return [code for code, text in (("en", self.name_en), ("de", self.name_de)) if not text.strip()]

    @property
    def right_codes(self) -> list[str]:
        """The codes of this level's own rights (use on levels fetched with their grants)."""
        return sorted((g.right for g in self.grants.all()), key=_registry_position)

    @property
    def rights_granted(self) -> list[Right]:
        """This level's own rights from the registry, in the registry's order."""
        return [RIGHTS[code] for code in self.right_codes if code in RIGHTS]

    @property
    def right_labels(self) -> list[str]:
        return [str(right.label) for right in self.rights_granted]


def _registry_position(code: str) -> int:
    values = LevelRight.values
    return values.index(code) if code in values else len(values)


class LevelRightGrant(models.Model):
    """One right a level unlocks (its own, not counting those of lower levels)."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="grants")
    right = models.CharField(_("right"), max_length=40, choices=LevelRight.choices)

    class Meta:
        verbose_name = _("right of a level")
        verbose_name_plural = _("rights of levels")
        constraints = [
            models.UniqueConstraint(fields=["level", "right"], name="training_level_right_unique"),
            # The registry's codes only, also for writes that bypass the services.
            models.CheckConstraint(condition=Q(right__in=LevelRight.values), name="training_level_right_known"),
        ]

    def __str__(self) -> str:
        return f"level {self.level_id}: {self.right}"


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
