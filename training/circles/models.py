"""Peer-learning circles (Working Out Loud / lernOS style): small groups following a weekly plan."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CIRCLE_MIN_MEMBERS = 4
CIRCLE_MAX_MEMBERS = 5


class CirclePlan(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("circle plan")
        verbose_name_plural = _("circle plans")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class CircleWeek(models.Model):
    plan = models.ForeignKey(CirclePlan, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField(_("week"))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda (Markdown)"), blank=True)
    katas = models.TextField(_("exercises (Markdown)"), blank=True)

    class Meta:
        verbose_name = _("circle week")
        verbose_name_plural = _("circle weeks")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="circle_week_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Circle(models.Model):
    class State(models.TextChoices):
        FORMING = "forming", _("Forming")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("name"), max_length=120)
    plan = models.ForeignKey(CirclePlan, on_delete=models.PROTECT, related_name="circles", verbose_name=_("plan"))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_open = models.BooleanField(_("open for anyone to join"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.FORMING)
    weeks_total = models.PositiveSmallIntegerField(_("weeks"), default=12)
    member_count = models.PositiveSmallIntegerField(_("members"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")
        constraints = [
            models.CheckConstraint(condition=Q(member_count__lte=CIRCLE_MAX_MEMBERS), name="circle_at_most_five"),
        ]
        indexes = [models.Index(fields=["state", "is_open", "-created_at", "-id"], name="circle_open_list")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_full(self) -> bool:
        return self.member_count >= CIRCLE_MAX_MEMBERS

    def current_week(self, now: dt.datetime | None = None) -> int | None:
        """Week number (1-based, capped at the last week) of a started circle, else ``None``."""
        if self.started_at is None:
            return None
        elapsed = (now or timezone.now()) - self.started_at
        return max(1, min(self.weeks_total, elapsed.days // 7 + 1))


class CircleMember(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_circles")
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("circle member")
        verbose_name_plural = _("circle members")
        constraints = [models.UniqueConstraint(fields=["circle", "user"], name="circle_member_once")]
        indexes = [models.Index(fields=["user", "-joined_at", "-id"], name="circle_member_user")]

    def __str__(self) -> str:
        return f"user {self.user_id} in circle {self.circle_id}"


class CheckIn(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="checkins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.PositiveSmallIntegerField(_("week"))
    text = models.TextField(_("check-in"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["circle", "user", "week"], name="checkin_once_per_week")]

    def __str__(self) -> str:
        return f"check-in of user {self.user_id}, week {self.week}"


class Retrospective(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="retrospectives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    went_well = models.TextField(_("what went well"), max_length=4000)
    to_improve = models.TextField(_("what to do differently"), max_length=4000, blank=True)
    next_steps = models.TextField(_("my next steps"), max_length=4000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")
        constraints = [models.UniqueConstraint(fields=["circle", "user"], name="retrospective_once")]

    def __str__(self) -> str:
        return f"retrospective of user {self.user_id} in circle {self.circle_id}"
