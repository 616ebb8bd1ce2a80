"""Exams: question banks by topic, exams drawing questions from topics, attempts and answers.

An attempt freezes its questions at start (one :class:`AttemptAnswer` row per drawn question, in
order), so what a learner sees never changes while they answer, and the draw is reproducible from
the stored seed. The deadline is stored on the attempt and enforced by the services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionBank(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="topics", verbose_name=_("bank"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        FREE_TEXT = "free_text", _("Short free text (graded by a trainer)")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="questions", verbose_name=_("topic"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(_("question"), max_length=4000)
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    model_answer = models.TextField(
        _("model answer"),
        blank=True,
        help_text=_("For free-text questions: shown to graders and, after submission, to learners."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["topic", "is_active", "id"], name="question_topic_active")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_free_text(self) -> bool:
        return self.kind == self.Kind.FREE_TEXT


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Exam(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    step = models.OneToOneField(
        "training.Step",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exam",
        verbose_name=_("programme step"),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=30)
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (percent)"), default=70)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    wait_hours = models.PositiveSmallIntegerField(_("waiting time between attempts (hours)"), default=24)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        permissions = [("grade_exam", _("Can grade free-text exam answers"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=0, pass_mark_percent__lte=100), name="exam_pass_mark_percent"
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="exam_max_attempts_positive"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="exam_time_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_limit(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.time_limit_minutes)

    @property
    def wait(self) -> dt.timedelta:
        return dt.timedelta(hours=self.wait_hours)


class ExamTopicRule(models.Model):
    """Draw ``count`` active questions of ``topic`` into every attempt of ``exam``."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="rules")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic"))
    count = models.PositiveSmallIntegerField(_("questions drawn"), default=1)

    class Meta:
        verbose_name = _("topic rule")
        verbose_name_plural = _("topic rules")
        constraints = [models.UniqueConstraint(fields=["exam", "topic"], name="exam_topic_rule_once")]

    def __str__(self) -> str:
        return f"{self.count} x topic {self.topic_id}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        GRADING = "grading", _("Waiting for grading")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Not passed")

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    seed = models.BigIntegerField(_("draw seed"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_by_deadline = models.BooleanField(_("closed at the deadline"), default=False)
    points = models.FloatField(_("points"), null=True, blank=True)
    max_points = models.FloatField(_("maximum points"), default=0)
    score_percent = models.FloatField(_("score (percent)"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        constraints = [
            models.UniqueConstraint(fields=["exam", "user", "number"], name="attempt_number_once"),
            models.UniqueConstraint(
                fields=["exam", "user"], condition=Q(state="in_progress"), name="attempt_one_open_per_exam"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "exam", "-started_at"], name="attempt_user_exam"),
            models.Index(fields=["state", "submitted_at", "id"], name="attempt_state_submitted"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of exam {self.exam_id} by user {self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.PASSED, self.State.FAILED)

    def is_past_deadline(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.deadline


class AttemptAnswer(models.Model):
    """One drawn question of an attempt and the learner's answer to it (frozen at start)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    selected_choice_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    text = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    points_awarded = models.FloatField(_("points awarded"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), max_length=4000, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_answer_once"),
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_answer_position_once"),
        ]

    def __str__(self) -> str:
        return f"answer {self.position} of attempt {self.attempt_id}"
