"""Communities, their categories and tags, and the memberships (with roles) of the people in them.

Counters shown in lists (``member_count``, ``post_count``, ``last_activity_at``) are stored on the
row and kept exact by the services in ``communities.core.services``; nothing here writes them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

#: The text search configurations every community is indexed with; queries use the same pair.
SEARCH_CONFIGS = ("german", "english")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CommunityTag(TagBase):
    class Meta:
        verbose_name = _("community tag")
        verbose_name_plural = _("community tags")


class TaggedCommunity(TaggedItemBase):
    content_object: models.ForeignKey[Community, Community] = models.ForeignKey("Community", on_delete=models.CASCADE)
    tag: models.ForeignKey[CommunityTag, CommunityTag] = models.ForeignKey(
        CommunityTag, on_delete=models.CASCADE, related_name="tagged_communities"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_community_once")]


def cover_image_path(instance: Community, filename: str) -> str:
    # A random name: the upload's own name may carry personal data, and guessable paths leak covers
    # of secret communities.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"communities/covers/{secrets.token_hex(12)}{suffix}"


def _search_vector() -> Any:
    name = [SearchVector("name", config=c, weight="A") for c in SEARCH_CONFIGS]
    tags = [SearchVector("tag_names", config=c, weight="A") for c in SEARCH_CONFIGS]
    text = [SearchVector("description", "purpose", config=c, weight="B") for c in SEARCH_CONFIGS]
    vector: Any = name[0]
    for part in [*name[1:], *tags, *text]:
        vector = vector + part
    return vector


#: pg_trgm's default word-similarity threshold: a missing or doubled letter in a longer word passes.
DEFAULT_TRIGRAM_THRESHOLD = 0.6


@contextmanager
def trigram_threshold(value: float) -> Iterator[None]:
    """Loosen (or tighten) the name match of :meth:`CommunityQuerySet.search` for the queries run
    inside the block; the index still serves them. Evaluate the queryset inside the block."""
    setting = "pg_trgm.word_similarity_threshold"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [setting, setting, str(value)])
        row = cursor.fetchone()
        yield
        # Inside an outer transaction a local setting would outlive the block, so restore it; on an
        # error the rollback (to the savepoint) restores it instead.
        cursor.execute("SELECT set_config(%s, %s, true)", [setting, row[0] if row else str(DEFAULT_TRIGRAM_THRESHOLD)])


class CommunityQuerySet(models.QuerySet["Community"]):
    """Permission-free vocabulary; who may see what lives in ``communities.core.permissions``."""

    def active(self) -> CommunityQuerySet:
        return self.filter(lifecycle=Community.Lifecycle.ACTIVE)

    def search(self, text: str) -> CommunityQuerySet:
        """Full-text match (German and English stemming) or a typo-tolerant name match.

        Annotates ``rank``; ordering is left to the caller so keyset pagination can choose.
        Both branches are served by GIN indexes (``community_search``, ``community_name_trgm``); the
        name match uses pg_trgm's word-similarity threshold, see :func:`trigram_threshold`.
        """
        text = " ".join(text.split())
        if not text:
            return self
        query = SearchQuery(text, config=SEARCH_CONFIGS[0], search_type="websearch")
        for config in SEARCH_CONFIGS[1:]:
            query = query | SearchQuery(text, config=config, search_type="websearch")
        return self.filter(Q(search_vector=query) | TrigramWordSimilar(Lower("name"), text.lower())).annotate(
            rank=SearchRank(F("search_vector"), query)
        )


class PostRetention(models.TextChoices):
    """What the nightly retention job does with a community's posts older than its retention."""

    ARCHIVE = "archive", pgettext_lazy("post retention", "Archive (read-only)")
    DELETE = "delete", pgettext_lazy("post retention", "Delete")


class Community(models.Model):  # type: ignore[django-manager-missing]  # taggit's through model
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: every employee can read")
        PRIVATE = "private", _("Private: listed, content for members only")
        SECRET = "secret", _("Secret: invisible to non-members")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone can join")
        REQUEST = "request", _("On request: managers approve")
        INVITE = "invite", _("Invitation only")

    class Lifecycle(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived (read-only)")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    purpose = models.TextField(
        _("purpose"), max_length=2000, blank=True, help_text=_("Why the community exists and who it is for.")
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communities",
    )
    tags = TaggableManager(through=TaggedCommunity, verbose_name=_("tags"), blank=True)
    # Denormalised copy of the tag names for the search vector (a generated column cannot read
    # another table); written by the services together with ``tags``.
    tag_names = models.TextField(editable=False, default="", blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.GERMAN)
    cover_image = models.ImageField(_("cover image"), upload_to=cover_image_path, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    join_policy = models.CharField(
        _("who can join"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    is_official = models.BooleanField(_("official"), default=False)
    lifecycle = models.CharField(_("state"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    #: Where an archived community's members and posts went when it was merged (cleared by undoing the
    #: merge); its page links there.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    #: Retention of posts (issue 23): posts older than this many days are archived (closed to new
    #: comments) or deleted by the nightly retention job; 0 keeps them for ever.
    post_retention_days = models.PositiveIntegerField(
        _("keep posts for (days)"),
        default=0,
        # Also the database's default: rows inserted outside the ORM (the benchmark's COPY, a
        # zero-downtime release where old code still inserts) need no value.
        db_default=0,
        help_text=_("0 keeps posts for ever."),
    )
    post_retention_action = models.CharField(
        _("after that"),
        max_length=10,
        choices=PostRetention.choices,
        default=PostRetention.ARCHIVE,
        db_default=PostRetention.ARCHIVE,
    )

    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, editable=False)

    search_vector = models.GeneratedField(
        expression=_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        permissions = [("coordinate", _("Can coordinate all communities"))]
        # Directory sorts are keyset-paginated on (sort key, id). Full rather than partial indexes:
        # the visibility filter (secret only where the viewer is a member) is an OR over a small
        # share of rows, which the planner applies while walking one of these in order.
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="community_recent_activity"),
            models.Index(fields=["-member_count", "-id"], name="community_most_members"),
            models.Index(fields=["-created_at", "-id"], name="community_newest"),
            models.Index(fields=["name", "id"], name="community_name_order"),
            GinIndex(fields=["search_vector"], name="community_search"),
            GinIndex(OpClass(Lower("name"), name="gin_trgm_ops"), name="community_name_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifecycle="archived", archived_at__isnull=False)
                | Q(lifecycle="active", archived_at__isnull=True),
                name="community_archived_at_matches_lifecycle",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.lifecycle == self.Lifecycle.ARCHIVED


class Membership(models.Model):
    """One person's relation to one community; at most one row per pair.

    Rows exist for active members and for pending requests, open invitations and bans. Leaving,
    declining and removal delete the row (the audit log keeps the history of privileged changes).
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Requested")
        INVITED = "invited", _("Invited")
        BANNED = "banned", _("Banned")

    class NotificationLevel(models.TextChoices):
        ALL = "all", _("Every post")
        HIGHLIGHTS = "highlights", _("Highlights")
        MUTED = "muted", _("Muted")

    # The composite indexes below lead with these columns, so the single-column ones are skipped.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships", db_index=False
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    notification_level = models.CharField(
        _("notifications"), max_length=12, choices=NotificationLevel.choices, default=NotificationLevel.HIGHLIGHTS
    )
    request_message = models.TextField(_("message with the request"), max_length=1000, blank=True)
    decision_message = models.TextField(_("message with the decision"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_once"),
            # Roles only mean something for active members; requests, invitations and bans carry none.
            models.CheckConstraint(condition=Q(state="active") | Q(role="member"), name="membership_role_if_active"),
        ]
        indexes = [
            models.Index(fields=["community", "state", "role"], name="membership_community_state"),
            models.Index(fields=["user", "state", "community"], name="membership_user_state"),
        ]

    def __str__(self) -> str:
        # Names only when already loaded: str() must never query (audit rows call it).
        user = str(self.user) if Membership.user.is_cached(self) else f"user {self.user_id}"
        community = str(self.community) if Membership.community.is_cached(self) else f"community {self.community_id}"
        return f"{user} in {community} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


#: Roles by rank; a higher rank includes every right of the lower ones.
ROLE_RANK: dict[str, int] = {
    Membership.Role.MEMBER: 1,
    Membership.Role.MODERATOR: 2,
    Membership.Role.MANAGER: 3,
    Membership.Role.OWNER: 4,
}


class MembershipEvent(models.Model):
    """One change of a membership, written in the same transaction as the change itself."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")
        BANNED = "banned", _("Banned")
        UNBANNED = "unbanned", _("Ban lifted")
        ROLE_CHANGED = "role_changed", _("Role changed")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="membership_events", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    #: The role after the event (for ``joined`` and ``role_changed``), else the role held before.
    role = models.CharField(_("role"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        indexes = [models.Index(fields=["community", "created_at"], name="membership_event_community")]

    def __str__(self) -> str:
        return f"{self.kind} community {self.community_id} user {self.user_id} @ {self.created_at:%Y-%m-%d}"


class MemberMute(models.Model):
    """``user`` may not post or comment in ``community`` until ``until``. Read together with the
    viewer's role map (one query), so predicates stay query-free."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    until = models.DateTimeField(_("muted until"))
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="mute_once")]

    def __str__(self) -> str:
        return f"{self.user_id} muted in {self.community_id} until {self.until:%Y-%m-%d %H:%M}"


class CoordinatorScope(models.Model):
    """Narrows a coordinator (holder of ``communities.coordinate``) to some communities.

    Without a row a holder coordinates everything (as staff always do); with one, the communities of
    ``categories`` and those in ``communities``, or all of them when ``all_communities`` is set.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_scope")
    all_communities = models.BooleanField(_("all communities"), default=False)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="+")
    communities = models.ManyToManyField(Community, verbose_name=_("communities"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("coordinator scope")
        verbose_name_plural = _("coordinator scopes")

    def __str__(self) -> str:
        return f"scope of {self.user_id}"
