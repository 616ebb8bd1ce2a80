"""Programmes (learning paths), their ordered steps, enrolments and per-step progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def published(self) -> ProgrammeQuerySet:
        return self.filter(published=True)


class Programme(models.Model):
    """A learning path: an ordered list of steps that ends in a certificate."""

    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        ADVANCED = "advanced", _("Advanced")
        EXPERT = "expert", _("Expert")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.BASIC)
    is_basic = models.BooleanField(
        _("basic programme"),
        default=False,
        help_text=_("Offered automatically to every newly appointed community manager."),
    )
    published = models.BooleanField(_("published"), default=False)
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for certificates that never expire."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("title", "id")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:programme_detail", args=[self.pk])


class Step(models.Model):
    """One step of a programme; ``position`` orders the steps (ties broken by id)."""

    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        EXERCISE = "exercise", _("Exercise")
        SESSION = "session", _("Live session")
        EXAM = "exam", _("Exam")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.READING)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("training material page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    required = models.BooleanField(_("required for the certificate"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ("programme", "position", "id")
        indexes = [models.Index(fields=["programme", "position"], name="training_step_prog_pos")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:step_detail", args=[self.programme_id, self.pk])


class Enrolment(models.Model):
    """A learner on a programme.

    ``cohort`` is a named group (coordinators may rename it); it defaults to the month of enrolment
    ("2026-11"), so people who started together are compared together without any extra table.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_enrolments")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    cohort = models.CharField(_("cohort"), max_length=60, blank=True, db_index=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_progress_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    #: Stored counter of done steps (kept by the services), so lists never count rows per item.
    steps_done = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="training_enrolment_unique")]
        indexes = [models.Index(fields=["programme", "-enrolled_at", "-id"], name="training_enrol_prog_date")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.programme_id}"


class StepProgress(models.Model):
    """What a learner did on one step: done, or (exercises) an answer waiting for review."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        DONE = "done", _("Done")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="progress")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DONE)
    answer = models.TextField(_("answer"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("step progress")
        verbose_name_plural = _("step progress")
        constraints = [models.UniqueConstraint(fields=["enrolment", "step"], name="training_progress_unique")]
        indexes = [
            models.Index(
                fields=["step", "submitted_at"],
                name="training_progress_review",
                condition=Q(accepted_at__isnull=True, submitted_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.step_id}: {self.state}"
