"""Moderation data: reports and their reporters, member mutes, per-community rules, watched words and
the scope of coordinators.

Every moderation *action* is recorded in the shared audit log (``intranet.core.models.AuditEntry``,
``scope="community:<id>"``); the models here hold only the state the actions change or read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.core.models import Community
from communities.posts.models import Comment, Post


class CommunityRules(models.Model):
    """A community's moderation settings (one row per community, created on first save)."""

    class Premoderation(models.TextChoices):
        NONE = "none", _("Nobody: posts are published at once")
        ALL = "all", _("Every post waits for approval")
        NEW_MEMBERS = "new_members", _("The first posts of each member wait for approval")

    class Tonality(models.TextChoices):
        DU = "du", _("Informal (du)")
        SIE = "sie", _("Formal (Sie)")

    community = models.OneToOneField(Community, on_delete=models.CASCADE, primary_key=True, related_name="rules")
    premoderation = models.CharField(
        _("approve before publishing"), max_length=12, choices=Premoderation.choices, default=Premoderation.NONE
    )
    premoderation_posts = models.PositiveSmallIntegerField(
        _("posts to approve per new member"),
        default=3,
        help_text=_("With 'first posts of each member': how many posts of a member wait for approval."),
    )
    new_member_days = models.PositiveSmallIntegerField(
        _("new-member period (days)"), default=7, help_text=_("How long someone counts as a new member.")
    )
    new_member_posts_per_day = models.PositiveSmallIntegerField(
        _("posts per day for new members"), default=0, help_text=_("0 means no limit.")
    )
    tonality = models.CharField(_("tonality"), max_length=3, choices=Tonality.choices, default=Tonality.DU)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community rules")
        verbose_name_plural = _("community rules")

    def __str__(self) -> str:
        return f"rules of community {self.community_id}"


class WatchedWord(models.Model):
    """A word, phrase or regular expression that blocks, holds or flags new posts and comments.

    ``community`` empty: platform-wide (managed by coordinators).
    """

    class Action(models.TextChoices):
        BLOCK = "block", _("Block: refuse the text")
        HOLD = "hold", _("Hold for review")
        FLAG = "flag", _("Publish and flag for the managers")

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="watched_words", db_index=False
    )
    pattern = models.CharField(_("word or pattern"), max_length=200)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    action = models.CharField(_("action"), max_length=5, choices=Action.choices, default=Action.FLAG)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")
        indexes = [models.Index(fields=["community", "id"], name="watched_word_community")]

    def __str__(self) -> str:
        return self.pattern


class Report(models.Model):
    """One case per reported item: repeated reports of the same item while the case is open merge
    into it (``reporter_count`` counts distinct reporters)."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        HARASSMENT = "harassment", _("Harassment")
        OFF_TOPIC = "off_topic", _("Off-topic")
        CONFIDENTIAL = "confidential", _("Confidential information")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("state", "Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    # "post:<id>", "comment:<id>" or "message:<id>": one open case per item.
    target_key = models.CharField(max_length=40)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="reports", db_index=False
    )
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Direct messages live in intranet.messaging; a plain id keeps this app's migrations independent.
    message_id = models.BigIntegerField(null=True, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True)
    target_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.TextField(_("reported text"), blank=True, help_text=_("The text as it was when first reported."))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reporter_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_reported_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["target_key"], condition=Q(status="open"), name="report_open_once"),
            models.CheckConstraint(
                condition=Q(community__isnull=False) | Q(message_id__isnull=False), name="report_has_place"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-last_reported_at"], name="report_community_status"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.target_key}"


class ReportEntry(models.Model):
    """One person's report inside a case."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="entries")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Report.Reason.choices)
    text = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "reporter"], name="report_entry_once")]

    def __str__(self) -> str:
        return f"{self.reporter_id} on report {self.report_id}"


class HiddenMessage(models.Model):
    """A direct message a coordinator hid after a report.

    The messaging app knows nothing of moderation (the shell never imports domain apps): hiding
    replaces the message's text with a notice, and this row keeps the original so the action can be
    undone. Read by coordinators only.
    """

    message_id = models.BigIntegerField(unique=True)
    conversation_id = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_source = models.TextField()
    original_html = models.TextField()
    original_text = models.TextField()
    reason = models.TextField(_("reason"))
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hidden message")
        verbose_name_plural = _("hidden messages")

    def __str__(self) -> str:
        return f"hidden message {self.message_id}"
