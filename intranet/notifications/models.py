"""Notifications (one row per recipient and event) and the delivery preferences of each person.

The bench helper writes these tables with COPY: keep the columns, constraints and index names as
they are. ``delivery`` is resolved once, when a notification is created, from the recipient's
preferences (see :mod:`intranet.notifications.services`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import render_message


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_key = models.CharField(max_length=120)
    scope = models.CharField(max_length=40, blank=True)
    url = models.CharField(max_length=300)
    params = models.JSONField(default=dict)
    count = models.PositiveIntegerField(default=1)
    delivery = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "event_key"], name="notification_once")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_recent"),
            models.Index(fields=["recipient"], name="notification_unread", condition=Q(read_at__isnull=True)),
            models.Index(
                fields=["delivery", "created_at"],
                name="notification_mail_due",
                condition=Q(emailed_at__isnull=True) & ~Q(delivery="in_app"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def message(self) -> str:
        """The text in the active language (the kind's message; the key if the kind is gone)."""
        return render_message(self.kind, self.params, self.count)


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        db_index=False,
    )
    kind = models.CharField(max_length=40)
    scope = models.CharField(max_length=40, blank=True)
    delivery = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "scope"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.kind}{' ' + self.scope if self.scope else ''}: {self.delivery}"
