"""The managers' inbox: items that need attention, their internal notes, per-community inbox
settings (service hours, first-response target) and saved replies.

Items are opened and closed by the services through ``communities.inbox`` (hooks) and worked on
through ``communities.inbox.services``; nothing here writes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.core.models import Community
from communities.posts.models import Comment, Post

DEFAULT_SERVICE_DAYS = [0, 1, 2, 3, 4, 5, 6]


def default_service_days() -> list[int]:
    return list(DEFAULT_SERVICE_DAYS)


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


class InboxSettings(models.Model):
    """How a community's inbox measures time; a community without a row uses the defaults."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, primary_key=True, related_name="inbox_settings"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    service_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        verbose_name=_("service days"),
        default=default_service_days,
    )
    service_start_hour = models.PositiveSmallIntegerField(
        _("service starts at"), default=8, validators=[MaxValueValidator(23)]
    )
    service_end_hour = models.PositiveSmallIntegerField(
        _("service ends at"), default=24, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes of service time)"),
        default=240,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 14)],
    )
    unanswered_after_minutes = models.PositiveIntegerField(
        _("questions count as unanswered after (minutes)"),
        default=24 * 60,
        validators=[MinValueValidator(10), MaxValueValidator(60 * 24 * 60)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inbox settings")
        verbose_name_plural = _("inbox settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_start_hour__lt=models.F("service_end_hour")), name="inbox_settings_hours_order"
            ),
        ]

    def __str__(self) -> str:
        return f"inbox settings of community {self.community_id}"


class InboxItem(models.Model):
    """One thing a community's managers should look at; at most one open item per (community, kind, key)."""

    class Kind(models.TextChoices):
        REPORT = "report", pgettext_lazy("noun", "Report")
        HELD_POST = "held_post", _("Post held for approval")
        JOIN_REQUEST = "join_request", _("Join request")
        UNANSWERED_QUESTION = "unanswered_question", _("Unanswered question")
        MENTION = "mention", _("Mention")
        FLAGGED_POST = "flagged_post", _("Flagged by watched words")
        ESCALATION = "escalation", _("Escalation")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CLAIMED = "claimed", _("Claimed")
        WAITING = "waiting", _("Waiting")
        DONE = "done", _("Done")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="inbox_items", db_index=False)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    key = models.CharField(max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    summary = models.CharField(_("summary"), max_length=300, blank=True)

    # What the item is about (any may be empty; rows may disappear before the item is done).
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    membership = models.ForeignKey("Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey("Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The member concerned (author, requester): the ``{member_name}`` of saved replies.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Personal items (mentions) are seen by this person only.
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    first_response_due_at = models.DateTimeField(_("first response due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalation_reason = models.CharField(max_length=1000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=20, blank=True)
    note_count = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "key"], condition=~Q(status="done"), name="inbox_item_open_once"
            ),
        ]
        indexes = [
            # The inbox: open items of the viewer's communities, newest first or by due time.
            models.Index(
                fields=["community", "-opened_at", "-id"], name="inbox_item_open_recent", condition=~Q(status="done")
            ),
            models.Index(fields=["community", "-opened_at", "-id"], name="inbox_item_recent"),
            models.Index(fields=["first_response_due_at", "id"], name="inbox_item_due", condition=~Q(status="done")),
            models.Index(
                fields=["-escalated_at", "-id"], name="inbox_item_escalated", condition=Q(escalated_at__isnull=False)
            ),
            models.Index(fields=["kind", "key"], name="inbox_item_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} in community {self.community_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("communities:inbox_item", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    def is_snoozed(self, now: object = None) -> bool:
        moment = now if now is not None else timezone.now()
        return self.snoozed_until is not None and self.snoozed_until > moment  # type: ignore[operator]

    def is_overdue(self, now: object = None) -> bool:
        moment = now if now is not None else timezone.now()
        return self.first_response_at is None and self.is_open and self.first_response_due_at < moment  # type: ignore[operator]


class InboxNote(models.Model):
    """An internal note on an item, visible only to the people who may work on it."""

    item = models.ForeignKey(InboxItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on inbox item {self.item_id}"


class SavedReply(models.Model):
    """A reusable answer: a community's (shared by its managers) or one manager's own.

    It has a text per tonality; the community's tonality decides which one is inserted.
    """

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_replies"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_replies"
    )
    title = models.CharField(_("title"), max_length=120)
    body_du = models.TextField(_("text, informal (du)"), max_length=5000, blank=True)
    body_sie = models.TextField(_("text, formal (Sie)"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False, owner__isnull=True)
                | Q(community__isnull=True, owner__isnull=False),
                name="saved_reply_community_or_owner",
            ),
            models.CheckConstraint(condition=~Q(body_du="", body_sie=""), name="saved_reply_has_text"),
        ]
        indexes = [
            models.Index(fields=["community", "title"], name="saved_reply_community"),
            models.Index(fields=["owner", "title"], name="saved_reply_owner"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.owner_id is not None

    def body_for(self, tonality: str) -> str:
        """The text in ``tonality`` ("sie" or "du"), falling back to the other one."""
        if tonality == "sie":
            return self.body_sie or self.body_du
        return self.body_du or self.body_sie
