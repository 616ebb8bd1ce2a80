"""Direct messages: conversations of two to ten people, their participants, messages and blocks.

Lists never count rows: the conversation keeps its last message (time, preview, author) and every
participant row keeps a copy of ``last_message_at`` and its own ``unread_count``, both written by
the send service in one UPDATE. That copy is what makes "my conversations, newest first" a single
index seek on ``(user, -last_message_at, -id)`` instead of a join sorted on the other table.

Search uses a trigram index on ``Message.body_text`` (plain text of the sanitised HTML), not
full-text search: people write German and English, often mixed in one conversation and without
saying which, and a text-search configuration stems for one language only (``english`` does not
know "Besprechungen" is "Besprechung", ``german`` does not stem "meetings") and neither finds the
parts of German compound words. Trigram matching needs no language, finds "besprechung" inside
"Projektbesprechung", word stems of both languages by their common beginning, and names, ticket
numbers and product codes as typed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PARTICIPANTS = 10
MAX_BODY_LENGTH = 10_000
MAX_TITLE_LENGTH = 120
PREVIEW_LENGTH = 140


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("One-to-one")
        GROUP = "group", _("Group")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH, blank=True)
    # "<lower user id>:<higher user id>" for one-to-one conversations, so the same two people always
    # meet in the same conversation (unique); empty for groups.
    direct_key = models.CharField(max_length=41, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    participant_count = models.PositiveSmallIntegerField(default=0)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    last_message_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_preview = models.CharField(max_length=PREVIEW_LENGTH + 10, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["direct_key"], condition=models.Q(direct_key__isnull=False), name="conversation_direct_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="group", direct_key__isnull=True)
                | models.Q(kind="direct", direct_key__isnull=False),
                name="conversation_direct_key_for_direct",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("messaging:conversation_detail", kwargs={"pk": self.pk})

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP

    @property
    def topic(self) -> str:
        return f"conversation.{self.pk}"


def direct_key_for(user_a_id: int, user_b_id: int) -> str:
    low, high = sorted((user_a_id, user_b_id))
    return f"{low}:{high}"


class Participant(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_memberships", db_index=False
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Copy of Conversation.last_message_at, so the list is one index seek (see the module docstring).
    last_message_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_read_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    unread_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["user", "conversation"], name="participant_once")]
        indexes = [
            # My conversations, newest first (keyset on last_message_at, id).
            models.Index(
                "user",
                models.F("last_message_at").desc(),
                models.F("id").desc(),
                condition=models.Q(left_at__isnull=True),
                name="participant_inbox",
            ),
            # The unread badge: a sum over my rows that have something unread.
            models.Index(
                fields=["user"], condition=models.Q(unread_count__gt=0, left_at__isnull=True), name="participant_unread"
            ),
            models.Index(fields=["conversation", "user"], name="participant_conversation"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Message(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_source = models.TextField(max_length=MAX_BODY_LENGTH)
    body_html = models.TextField()
    body_text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The messages of a conversation, newest first ("load older" is a keyset on id).
            models.Index(fields=["conversation", "-id"], name="message_conversation_recent"),
            # Search within my conversations: ILIKE '%word%' answered by the trigram index.
            GinIndex(fields=["body_text"], opclasses=["gin_trgm_ops"], name="message_body_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('messaging:conversation_detail', kwargs={'pk': self.conversation_id})}#message-{self.pk}"


class Block(models.Model):
    """``blocker`` does not want direct messages from ``blocked``."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"
