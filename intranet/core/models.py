"""The kernel's tables: the append-only audit log, the event outbox and the idempotency keys of
creating forms."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One privileged or moderation action. Rows are never updated or deleted (a database trigger
    refuses both), so the log can be trusted in a dispute."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for actions of the system itself (scheduled jobs)."),
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    scope = models.CharField(
        _("scope"),
        max_length=64,
        blank=True,
        help_text=_("Where the action happened, e.g. 'community:42'; lets managers see their own log."),
    )
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["scope", "-created_at", "-id"], name="audit_scope_recent"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class OutboxEvent(models.Model):
    """A domain event recorded in the same transaction as the change it describes.

    The relay (:mod:`intranet.core.outbox`) hands it to its subscribers after commit; a row whose
    ``relayed_at`` stays empty (the process died, the broker was down) is picked up again by the
    periodic sweep, so a committed change never loses its side effects.
    """

    name = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    relayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(relayed_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(fields=["created_at"], name="outbox_created"),
        ]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"


class OutboxReceipt(models.Model):
    """Proof that one subscriber handled one event: written in the subscriber's own transaction,
    so running a delivery twice does its work once."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="+")
    subscriber = models.CharField(max_length=100)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outbox receipt")
        verbose_name_plural = _("outbox receipts")
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="outbox_receipt_once")]

    def __str__(self) -> str:
        return f"{self.subscriber}@{self.event_id}"


class IdempotencyKey(models.Model):
    """One submission of a creating form: the hidden token of the form, claimed by the person who
    sent it in the same transaction as the object it created (:mod:`intranet.core.idempotency`).

    A retry of the same submission (a double click, a resend after a timeout) finds the row and
    answers with the object already created instead of creating a second one. Rows are purged after
    a few days by the outbox's purge job.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    scope = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
