"""A person's request for a copy of their data (GDPR Art. 15 and 20), and the ZIP it produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportRequest(models.Model):
    """One export of everything the register holds about ``person``.

    The ZIP is built by a Celery job; the download link carries a random token whose SHA-256 is
    stored here (never the token itself), works only for ``person`` and only until ``expires_at``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The person themselves, or the staff member who ran the export for them."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    file = models.FileField(_("file"), upload_to="privacy/exports/", blank=True, max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)
    #: How many rows of each kind went into the ZIP, e.g. ``{"posts": 3}``.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["person", "-created_at", "-id"], name="privacy_export_person_recent")]

    def __str__(self) -> str:
        return f"export #{self.pk} ({self.state})"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == self.State.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
