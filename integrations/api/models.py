"""Personal access tokens and the remembered answers of idempotent API requests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessToken(models.Model):
    """A personal access token: the person's own rights through the API, narrowed by ``scope``.

    Only the SHA-256 of the secret is stored; the secret is shown once when the token is created.
    ``prefix`` (the first characters after the public marker) lets the owner tell tokens apart.
    """

    class Scope(models.TextChoices):
        READ = "read", pgettext_lazy("token scope", "Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_access_tokens")
    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_owner")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)


class IdempotentRequest(models.Model):
    """The first answer to a creating API request sent with an ``Idempotency-Key``.

    Claimed in the same transaction as the object the request created, so a retry with the same key
    and body gets this answer back, a retry with another body is refused, and a failed request
    leaves nothing behind.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_once")]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
