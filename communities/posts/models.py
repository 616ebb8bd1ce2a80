"""What people write in communities: posts, their revisions, comments, reactions, mentions and
attachments.

Rendering happens once, at save, in the services (Markdown -> sanitized HTML through
``intranet.core.markdown``); templates print ``body_html`` and never render Markdown themselves.
Counters (``comment_count``, ``reaction_counts``) are stored and kept exact by the services.
"""

from __future__ import annotations

import secrets
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from communities.core.models import SEARCH_CONFIGS, Community


class ContentStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for approval")
    HIDDEN = "hidden", _("Hidden by a moderator")


class ReactionKind(models.TextChoices):
    """The small fixed set of reactions; the values are stable keys, the emoji is presentation."""

    LIKE = "like", _("Like")
    LOVE = "love", _("Love")
    CELEBRATE = "celebrate", _("Celebrate")
    INSIGHTFUL = "insightful", _("Insightful")
    FUNNY = "funny", _("Funny")


REACTION_EMOJI: dict[str, str] = {
    ReactionKind.LIKE: "\N{THUMBS UP SIGN}",
    ReactionKind.LOVE: "\N{HEAVY BLACK HEART}",
    ReactionKind.CELEBRATE: "\N{PARTY POPPER}",
    ReactionKind.INSIGHTFUL: "\N{ELECTRIC LIGHT BULB}",
    ReactionKind.FUNNY: "\N{FACE WITH TEARS OF JOY}",
}


class PostTag(TagBase):
    class Meta:
        verbose_name = _("post tag")
        verbose_name_plural = _("post tags")


class TaggedPost(TaggedItemBase):
    content_object: models.ForeignKey[Post, Post] = models.ForeignKey("Post", on_delete=models.CASCADE)
    tag: models.ForeignKey[PostTag, PostTag] = models.ForeignKey(
        PostTag, on_delete=models.CASCADE, related_name="tagged_posts"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_post_once")]


def _post_search_vector() -> Any:
    parts = [SearchVector("title", config=c, weight="A") for c in SEARCH_CONFIGS]
    parts += [SearchVector("body_text", config=c, weight="B") for c in SEARCH_CONFIGS]
    vector: Any = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


class PostQuerySet(models.QuerySet["Post"]):
    """Permission-free vocabulary; who may read what lives in ``communities.core.permissions``."""

    def published(self) -> PostQuerySet:
        return self.filter(status=ContentStatus.PUBLISHED, deleted_at__isnull=True)


class Post(models.Model):  # type: ignore[django-manager-missing]  # taggit's through model
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        ANNOUNCEMENT = "announcement", _("Announcement")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="posts", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts", db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(_("title"), max_length=200)
    body_source = models.TextField(_("text"), max_length=20000)
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="", help_text=_("Plain text for search and previews."))
    tags = TaggableManager(through=TaggedPost, verbose_name=_("tags"), blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    pinned_at = models.DateTimeField(null=True, blank=True)
    is_locked = models.BooleanField(_("locked"), default=False)
    accepted_comment = models.ForeignKey(
        "Comment", verbose_name=_("accepted answer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Why a moderator last changed the text (shown with the "edited by a moderator" note); cleared
    #: when the author edits again.
    moderator_note = models.CharField(_("moderator's reason"), max_length=1000, blank=True, default="", db_default="")
    deleted_at = models.DateTimeField(null=True, blank=True)
    #: Set by the community's post retention (issue 23): the post stays readable, locked.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    comment_count = models.PositiveIntegerField(default=0, editable=False)
    reaction_count = models.PositiveIntegerField(default=0, editable=False)
    reaction_counts = models.JSONField(default=dict, editable=False, blank=True)

    search_vector = models.GeneratedField(
        expression=_post_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            # The community stream and the feed's per-community seek: newest published first.
            models.Index(
                fields=["community", "-created_at", "-id"],
                name="post_community_recent",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            # Pinned posts of a community (few; shown above the stream).
            models.Index(
                fields=["community", "-pinned_at"],
                name="post_community_pinned",
                condition=Q(is_pinned=True, status="published", deleted_at__isnull=True),
            ),
            # Unanswered questions of a community.
            models.Index(
                fields=["community", "-created_at", "-id"],
                name="post_community_unanswered",
                condition=Q(
                    kind="question", accepted_comment__isnull=True, status="published", deleted_at__isnull=True
                ),
            ),
            # A community's stream filtered by kind, and the feed's kind filter, without reading
            # past posts of the other kinds.
            models.Index(
                fields=["community", "kind", "-created_at", "-id"],
                name="post_community_kind_recent",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            # Newest published posts across communities: search results ordered by date walk this
            # index and stop after a page instead of sorting every match.
            models.Index(
                fields=["-created_at", "-id"],
                name="post_recent",
                condition=Q(status="published", deleted_at__isnull=True),
            ),
            # Posts of followed colleagues in the feed.
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_recent"),
            # Moderation queue: held posts per community.
            models.Index(fields=["community", "status", "created_at"], name="post_community_status"),
            GinIndex(fields=["search_vector"], name="post_search"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communities:post_detail", kwargs={"pk": self.pk})

    @property
    def tag_names(self) -> list[str]:
        """The tag names, sorted. Lists of cards fill them with one query for the whole page
        (:func:`attach_tag_names`); otherwise they come from ``tags`` (prefetched or not)."""
        names: list[str] | None = self.__dict__.get("_tag_names")
        if names is None:
            names = sorted(tag.name for tag in self.tags.all())
            self.__dict__["_tag_names"] = names
        return names

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """An earlier version of a post, written before every edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    body_source = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    """A comment on a post, or a reply to a top-level comment (one level only)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments", db_index=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments", db_index=False
    )
    body_source = models.TextField(_("text"), max_length=10000)
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Why a moderator last changed the text; cleared when the author edits again.
    moderator_note = models.CharField(_("moderator's reason"), max_length=1000, blank=True, default="", db_default="")
    deleted_at = models.DateTimeField(null=True, blank=True)
    reaction_count = models.PositiveIntegerField(default=0, editable=False)
    reaction_counts = models.JSONField(default=dict, editable=False, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["post", "created_at", "id"], name="comment_post_order"),
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on post {self.post_id}"


class Reaction(models.Model):
    """One person's reaction of one kind on a post or a comment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True) | Q(post__isnull=True, comment__isnull=False),
                name="reaction_on_post_or_comment",
            ),
            models.UniqueConstraint(
                fields=["user", "post", "kind"], condition=Q(comment__isnull=True), name="reaction_post_once"
            ),
            models.UniqueConstraint(
                fields=["user", "comment", "kind"], condition=Q(post__isnull=True), name="reaction_comment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class Mention(models.Model):
    """A person mentioned in a post or comment (kept for notifications and the manager inbox)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], condition=Q(comment__isnull=True), name="mention_post_once"
            ),
            models.UniqueConstraint(
                fields=["comment", "user"], condition=Q(comment__isnull=False), name="mention_comment_once"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="mention_user_recent")]

    def __str__(self) -> str:
        return f"@{self.user_id} in post {self.post_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random names outside any public URL: files are streamed by a permission-checked view.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        FILE = "file", _("File")

    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("communities:attachment_download", kwargs={"pk": self.pk})
