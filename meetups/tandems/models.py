"""Inspiration tandems: two communities that learn from each other for a while.

A tandem pairs a community of the platform (side A) with another one (side B): a community of the
platform too, or a :class:`PartnerCommunity` of a partner organisation entered by hand.

Lifecycle: ``proposed`` -> ``active`` once each side's manager accepted (a partner side has no
account here: its contact agreed when the tandem was entered) -> meetings logged, learnings written
and shared with both communities -> ``closed``. A proposal can be ``declined`` by a side, or
``withdrawn`` by its proposer or a side (an active tandem too). Only services write these rows.

:class:`TandemSuggestion` holds the precomputed candidate pairs (both directions), refreshed by a
periodic job; pages read it instead of scoring at request time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetups.organisations.models import Organisation

MAX_NOTES_LENGTH = 5000
MAX_LEARNINGS_LENGTH = 20000


class PartnerCommunity(models.Model):
    """A community of a partner organisation (outside the platform), entered by hand."""

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="partner_communities"
    )
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    topics = models.CharField(
        _("topics"), max_length=300, blank=True, help_text=_("Comma-separated, like the tags of a community.")
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.GERMAN)
    approx_members = models.PositiveIntegerField(_("approximate number of members"), null=True, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=160)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner community")
        verbose_name_plural = _("partner communities")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Tandem(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Accepted")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("community"), on_delete=models.CASCADE, related_name="+"
    )
    other_community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("other community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    partner = models.ForeignKey(
        PartnerCommunity,
        verbose_name=_("partner community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tandems",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    score = models.PositiveSmallIntegerField(_("match"), default=0)
    #: Why the pair fits: a list of {"code": str, "params": {...}}, rendered by ``meetups.tandems.scoring``.
    reasons = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message with the proposal"), max_length=1000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    accepted_a_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_a_at = models.DateTimeField(null=True, blank=True)
    accepted_b_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_b_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    meeting_count = models.PositiveIntegerField(default=0, editable=False)
    learnings = models.TextField(_("learnings"), max_length=MAX_LEARNINGS_LENGTH, blank=True)
    learnings_html = models.TextField(blank=True, editable=False)
    learnings_shared_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tandem")
        verbose_name_plural = _("tandems")
        constraints = [
            models.CheckConstraint(
                condition=(Q(other_community__isnull=False) & Q(partner__isnull=True))
                | (Q(other_community__isnull=True) & Q(partner__isnull=False)),
                name="tandem_one_other_side",
            ),
            models.CheckConstraint(condition=~Q(community=F("other_community")), name="tandem_not_with_itself"),
            # At most one open (proposed or active) tandem per pair, whichever side proposed it.
            models.UniqueConstraint(
                Least("community", "other_community"),
                Greatest("community", "other_community"),
                condition=Q(state__in=["proposed", "active"], other_community__isnull=False),
                name="tandem_open_pair_once",
            ),
            models.UniqueConstraint(
                fields=["community", "partner"],
                condition=Q(state__in=["proposed", "active"], partner__isnull=False),
                name="tandem_open_partner_once",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state"], name="tandem_community_state"),
            models.Index(fields=["other_community", "state"], name="tandem_other_state"),
            models.Index(fields=["-proposed_at", "-id"], name="tandem_recent"),
        ]

    def __str__(self) -> str:
        return f"tandem {self.pk} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("meetups:tandem_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.PROPOSED, self.State.ACTIVE)

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None


class TandemMeeting(models.Model):
    """One meeting of a tandem's two sides, logged by a manager of either side."""

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), max_length=MAX_NOTES_LENGTH, blank=True)
    notes_html = models.TextField(blank=True, editable=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tandem meeting")
        verbose_name_plural = _("tandem meetings")
        indexes = [models.Index(fields=["tandem", "-date", "-id"], name="tandem_meeting_order")]

    def __str__(self) -> str:
        return f"meeting of tandem {self.tandem_id} on {self.date}"


class TandemSuggestion(models.Model):
    """A precomputed candidate pair, stored in both directions so a community's list is one seek."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tandem suggestion")
        verbose_name_plural = _("tandem suggestions")
        constraints = [
            models.UniqueConstraint(fields=["community", "other"], name="tandem_suggestion_once"),
            models.CheckConstraint(condition=~Q(community=F("other")), name="tandem_suggestion_not_self"),
        ]
        indexes = [
            models.Index(fields=["community", "-score", "other"], name="tandem_suggestion_best"),
            models.Index(fields=["-score", "community", "other"], name="tandem_suggestion_global"),
        ]

    def __str__(self) -> str:
        return f"suggestion {self.community_id} ~ {self.other_id} ({self.score})"
