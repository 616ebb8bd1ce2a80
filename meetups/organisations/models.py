"""The organisations behind meetups and the people from outside who have no account here.

Coordinators curate both lists; organisers pick from them when they describe a series.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The home company or an external company or institution that organises or hosts meetups."""

    class Kind(models.TextChoices):
        HOME = "home", _("Our company")
        EXTERNAL = "external", _("External company or institution")

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXTERNAL)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="meetup_organisation_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_home(self) -> bool:
        return self.kind == self.Kind.HOME


class ExternalPerson(models.Model):
    """Someone from outside the company: a named speaker, organiser or participant without account.

    The e-mail address is shown to organisers and coordinators only (``meetups.events.permissions``).
    """

    name = models.CharField(_("name"), max_length=160)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    role = models.CharField(_("role or title"), max_length=160, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True, help_text=_("Visible to organisers only."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("external person")
        verbose_name_plural = _("external people")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
