"""Webhook subscriptions and their deliveries.

A :class:`Subscription` is platform-wide (``community`` empty; created by a coordinator and
receiving what its creator coordinates) or belongs to one community (managed by its owners). A
:class:`Delivery` is one event for one subscription: unique per (subscription, outbox event), its
body frozen when it is created, so every retry sends the same bytes under the same ``webhook-id``.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.api import Community

SECRET_PREFIX = "whsec_"  # noqa: S105  (the prefix of every secret, not a secret)
#: 24 random bytes: the Standard Webhooks specification asks for 24 to 64.
SECRET_BYTES = 24


def new_secret() -> str:
    """A fresh ``whsec_...`` signing secret (base64 of random bytes, as the specification says)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


class Subscription(models.Model):
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty for a platform-wide subscription."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=60), verbose_name=_("events"))
    # Stored as is: signing needs the key itself (HMAC), a hash would not do.
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("reason for disabling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [
            models.Index(fields=["community", "-id"], name="webhook_sub_community"),
            models.Index(fields=["created_by", "-id"], name="webhook_sub_creator"),
        ]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:subscription_detail", kwargs={"pk": self.pk})

    @property
    def is_platform(self) -> bool:
        return self.community_id is None


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
        SUCCEEDED = "succeeded", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Given up")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    #: The outbox event; empty for test events.
    event_id = models.BigIntegerField(_("event"), null=True, blank=True)
    event_type = models.CharField(_("event type"), max_length=60)
    message_id = models.CharField(_("message id"), max_length=40, unique=True, default=new_message_id)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    #: One entry per attempt: the HTTP status, or 0 when no response came (refused, timed out).
    status_codes = ArrayField(models.PositiveSmallIntegerField(), default=list, verbose_name=_("status codes"))
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], condition=Q(event_id__isnull=False), name="webhook_delivery_once"
            ),
        ]
        indexes = [
            # The head of a subscription's queue: its pending delivery of the oldest event.
            models.Index(
                fields=["subscription", "event_id", "id"],
                condition=Q(status="pending"),
                name="webhook_delivery_pending",
            ),
            # The delivery log, newest first.
            models.Index(fields=["subscription", "-id"], name="webhook_delivery_log"),
            # The sweep: pending deliveries that are due.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"

    @property
    def last_status_code(self) -> int | None:
        return self.status_codes[-1] if self.status_codes else None
