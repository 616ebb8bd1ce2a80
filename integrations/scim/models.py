"""Identity-provider tokens and the SCIM side of provisioned people and groups.

The SCIM ``id`` and ``externalId`` of a person live here, next to the attributes as the identity
provider last sent them, so ``accounts`` needs no SCIM columns.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """A bearer token of one identity provider; only its SHA-256 digest is stored."""

    name = models.CharField(_("name"), max_length=120, help_text=_("For example the identity provider's name."))
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimUser(models.Model):
    """The SCIM resource of one account: its id, the IdP's userName and externalId, and the
    attributes (displayName, name, emails, title, department) as last provisioned."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SCIM user")
        verbose_name_plural = _("SCIM users")
        constraints = [models.UniqueConstraint(Lower("user_name"), name="scim_user_name_ci_unique")]
        indexes = [
            # Django's iexact compares UPPER(column): the index filters by userName use.
            models.Index(Upper("user_name"), name="scim_user_name_upper"),
            models.Index(fields=["external_id"], name="scim_user_external_id"),
            models.Index(fields=["created_at", "id"], name="scim_user_order"),
        ]

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    """An organisational unit provisioned by the identity provider, and its members."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True, default="")
    members = models.ManyToManyField(ScimUser, related_name="groups", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SCIM group")
        verbose_name_plural = _("SCIM groups")
        constraints = [models.UniqueConstraint(Lower("display_name"), name="scim_group_name_ci_unique")]
        indexes = [
            models.Index(Upper("display_name"), name="scim_group_name_upper"),
            models.Index(fields=["external_id"], name="scim_group_external_id"),
            models.Index(fields=["created_at", "id"], name="scim_group_order"),
        ]

    def __str__(self) -> str:
        return self.display_name
