"""The coordinators' side of a community's life: handovers, lifecycle campaigns, merges, notes.

* :class:`HandoverRecord`: ownership passed from one person (or nobody, for orphaned communities)
  to another, by a coordinator, the leaving owner or the system (account deactivation).
* :class:`LifecycleCampaign` and :class:`CampaignCase`: the owners of dormant communities are asked
  whether the community is still needed (keep, archive, merge); without an answer it is archived.
* :class:`MergeRecord`: what a merge moved, so a coordinator can undo it.
* :class:`CoordinatorNote`: the coordinators' private notes on a community manager.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.core.models import Community

#: Days an owner has to answer a lifecycle question before the community is archived.
DEFAULT_ANSWER_DAYS = 21
#: Days after the question when the owners are reminded.
REMINDER_AFTER_DAYS = 7
#: Days before the deadline when the owners are warned.
WARNING_BEFORE_DAYS = 3


class HandoverRecord(models.Model):
    """One change of ownership made through the handover path (audited as well)."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Handed over")
        DEACTIVATION = "deactivation", _("Owner's account deactivated")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MANUAL)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"community {self.community_id}: {self.from_user_id} -> {self.to_user_id}"


class LifecycleCampaign(models.Model):
    """One round of questions to the owners of dormant communities."""

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", _("Started by a coordinator")
        SCHEDULE = "schedule", _("Weekly schedule")

    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.COORDINATOR)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_days = models.PositiveSmallIntegerField(_("days to answer"), default=DEFAULT_ANSWER_DAYS)
    created_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("lifecycle campaign")
        verbose_name_plural = _("lifecycle campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CampaignCase(models.Model):
    """The question to one community's owners in one campaign, and what came of it."""

    class Answer(models.TextChoices):
        KEEP = "keep", _("Keep the community")
        ARCHIVE = "archive", _("Archive the community")
        MERGE = "merge", _("Merge it into another community")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        KEPT = "kept", _("Kept")
        ARCHIVED = "archived", _("Archived")
        MERGE_REQUESTED = "merge_requested", _("Merge requested")
        MERGED = "merged", _("Merged")
        EXPIRED = "expired", _("Archived without answer")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    campaign = models.ForeignKey(LifecycleCampaign, on_delete=models.CASCADE, related_name="cases")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="campaign_cases")
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices, blank=True)
    merge_target = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("merge into")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign case")
        verbose_name_plural = _("campaign cases")
        constraints = [
            # One open question per community at a time, whatever the campaign.
            models.UniqueConstraint(fields=["community"], condition=Q(closed_at=None), name="campaign_case_one_open"),
        ]
        indexes = [models.Index(fields=["closed_at", "deadline"], name="campaign_case_due")]

    def __str__(self) -> str:
        return f"case community {self.community_id} in campaign {self.campaign_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def remind_at(self) -> dt.datetime:
        return self.asked_at + dt.timedelta(days=REMINDER_AFTER_DAYS)

    @property
    def warn_at(self) -> dt.datetime:
        return self.deadline - dt.timedelta(days=WARNING_BEFORE_DAYS)


class MergeRecord(models.Model):
    """A merge of ``source`` into ``target`` with everything needed to undo it."""

    source = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="merges_out")
    target = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="merges_in")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    #: Membership rows that changed community (their roles unchanged).
    moved_membership_ids = models.JSONField(default=list, blank=True)
    #: ``{membership_id: previous_role}`` of target rows raised to a higher role from the source.
    raised_roles = models.JSONField(default=dict, blank=True)
    moved_post_ids = models.JSONField(default=list, blank=True)
    #: Whether the source was active before the merge archived it.
    source_was_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(_("merged"), default=timezone.now)
    reversed_at = models.DateTimeField(_("undone"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"merge {self.source_id} -> {self.target_id}"


class CoordinatorNote(models.Model):
    """A coordinator's private note on a community manager, with the next agreed step."""

    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"), max_length=5000)
    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("coordinator note")
        verbose_name_plural = _("coordinator notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["manager", "-created_at"], name="coordinator_note_manager")]

    def __str__(self) -> str:
        return f"note on {self.manager_id}"
