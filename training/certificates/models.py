"""Certificates: issued when a programme's requirements are met, verifiable by code."""

from __future__ import annotations

import base64
import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.programmes.models import Programme

_CODE_NOISE = re.compile(r"[\s\-]+")
_CODE_SHAPE = re.compile(r"[A-Z0-9]{1,16}")


def normalise_certificate_code(raw: str) -> str:
    """A code as stored: without spaces, line breaks or hyphens, in capitals (``"ab3d efgh-2jk7"`` ->
    ``"AB3DEFGH2JK7"``), so a code typed from paper or pasted from a PDF is found."""
    return _CODE_NOISE.sub("", raw or "").upper()


def is_certificate_code(code: str) -> bool:
    """Whether a normalised ``code`` has the shape of one (letters and digits, at most 16)."""
    return bool(_CODE_SHAPE.fullmatch(code))


def new_certificate_code() -> str:
    """12 characters of base32 (60 random bits): short enough to type, impossible to guess."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")[:12]


class Certificate(models.Model):
    """A person's certificate for a programme.

    At most one *current* certificate per person and programme: a recertification stamps the old one
    ``superseded_at``; revoked ones stay for the record.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_certificates")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=16, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=300, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                name="training_certificate_current",
                condition=Q(revoked_at__isnull=True, superseded_at__isnull=True),
            )
        ]
        indexes = [
            models.Index(fields=["user"], name="training_cert_user_valid", condition=Q(revoked_at__isnull=True)),
            models.Index(
                fields=["expires_at", "id"], name="training_cert_expiry", condition=Q(revoked_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.user_id}, {self.programme_id})"

    def get_absolute_url(self) -> str:
        return reverse("training:certificate_verify", args=[self.code])

    def status_at(self, now: object = None) -> str:
        moment = now or timezone.now()
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= moment:  # type: ignore[operator]
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID
