"""The managers' network: each community manager's own settings for the directory.

Managers are listed from their memberships (owner or manager, active); this row only holds what a
manager chose for the network: to stay out of it, and the topics they are happy to advise on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ADVICE_TOPICS_LENGTH = 1000


class NetworkProfile(models.Model):
    """A manager's choices for the network; no row means listed, with no advice topics."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="network_profile"
    )
    opted_out = models.BooleanField(
        _("not listed in the managers' network"),
        default=False,
        help_text=_("Colleagues will not find you in the network and cannot ask you for advice through it."),
    )
    advice_topics = models.TextField(
        _("I am happy to advise on"),
        max_length=MAX_ADVICE_TOPICS_LENGTH,
        blank=True,
        help_text=_("For example: growing a new community, running Q&A sessions, moderation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network profile")
        verbose_name_plural = _("network profiles")
        indexes = [models.Index(fields=["user"], condition=models.Q(opted_out=True), name="network_opted_out")]

    def __str__(self) -> str:
        return f"network profile of user {self.user_id}"
