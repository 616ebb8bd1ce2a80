"""Writes on communities themselves: create, settings, archive, official flag, counter repair."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.core.history import membership_event_record
from communities.core.models import Category, Community, CommunityTag, Membership, MembershipEvent, PostRetention
from communities.core.permissions import (
    can_archive_community,
    can_change_community_settings,
    can_change_post_retention,
    can_create_community,
    can_set_official,
    forget_memberships,
)
from communities.core.realtime import community_access_changed
from communities.core.services._common import UNSET, acting_user, audit, is_set, lock_community
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

SLUG_MAX = 80
#: Addresses that the community URLs use for screens of their own.
RESERVED_SLUGS = frozenset(
    {"new", "create", "mine", "search", "directory", "categories", "category", "invitations", "requests", "inbox"}
)
_SLUG_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
MAX_TAGS = 20
TAG_MAX_LENGTH = 50
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif")

#: Fields the settings form edits; the audit row records those that changed.
SETTINGS_FIELDS = (
    "name",
    "description",
    "purpose",
    "category_id",
    "language",
    "visibility",
    "join_policy",
    "tag_names",
    "cover_image",
)


def _snapshot(community: Community, fields: Iterable[str] = SETTINGS_FIELDS) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(community, field)
        values[field] = (value.name or "") if field == "cover_image" else value
    return values


def slug_base(name: str) -> str:
    """An ASCII slug for ``name`` ("Über Öl & Gas" -> "ueber-oel-gas"), never empty."""
    slug = slugify(anyascii(name.translate(_GERMAN)))[: SLUG_MAX - 6].strip("-")
    return slug or "community"


def _free_slug(base: str) -> str:
    """``base`` if free and not reserved, else ``base-2``, ``base-3``... (one query)."""
    taken = set(Community.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list("slug", flat=True))
    if base not in taken and base not in RESERVED_SLUGS:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _clean_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not _SLUG_SHAPE.match(slug) or len(slug) > SLUG_MAX:
        raise ValidationError(
            _("Use only lower-case letters, digits and single hyphens (at most %(max)d characters) for the address."),
            code="invalid_slug",
            params={"max": SLUG_MAX},
        )
    if slug in RESERVED_SLUGS or Community.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("The address “%(slug)s” is already taken. Choose another one."),
            code="duplicate_slug",
            params={"slug": slug},
        )
    return slug


def _clean_text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(value) > max_length:
        raise ValidationError({field: _("Use at most %(max)d characters.") % {"max": max_length}}, code="max_length")
    return value


def _clean_choice(value: str, choices: type[Any], field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the offered options.")}, code="invalid_choice")
    return value


def _clean_tags(tags: Iterable[str]) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) tag names, spelled like existing tags (one query)."""
    names: dict[str, str] = {}
    for raw in tags:
        name = " ".join(str(raw).split()).strip(",;#")
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {"tags": _("A tag may have at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}}, code="tag_length"
            )
        names.setdefault(name.lower(), name)
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(max)d tags.") % {"max": MAX_TAGS}}, code="too_many_tags")
    if names:
        existing = CommunityTag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=list(names))
        for tag in existing:
            names[tag.lower_name] = tag.name  # type: ignore[attr-defined]
    return list(names.values())


def _clean_cover(cover: File[Any] | None) -> File[Any] | None:
    if cover is None:
        return None
    name = (cover.name or "").lower()
    if not name.endswith(COVER_EXTENSIONS):
        raise ValidationError({"cover_image": _("Upload a JPEG, PNG, WebP or GIF image.")}, code="cover_type")
    if cover.size is not None and cover.size > COVER_MAX_BYTES:
        raise ValidationError({"cover_image": _("The image may be at most 5 MB.")}, code="cover_size")
    return cover


def _delete_file_on_commit(community: Community, name: str) -> None:
    storage = community.cover_image.storage
    transaction.on_commit(lambda: storage.delete(name))


def _set_tags(community: Community, names: list[str]) -> None:
    community.tags.set(names)
    community.tag_names = ", ".join(names)


@idempotent("communities.community_create", replay=lambda pk: Community.objects.get(pk=pk))
def community_create(
    *,
    actor: Viewer | User,
    name: str,
    slug: str = "",
    description: str = "",
    purpose: str = "",
    category: Category | None = None,
    tags: Iterable[str] = (),
    language: str = Community.Language.GERMAN,
    visibility: str = Community.Visibility.PUBLIC,
    join_policy: str = Community.JoinPolicy.OPEN,
    cover_image: File[Any] | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Community:
    """Create a community; the actor becomes its first owner.

    Without ``slug`` one is made from the name (``name-2`` on collision); an explicit ``slug`` that
    is taken raises ``ValidationError``. Writes one audit row. With ``idempotency_key`` (the
    form's), sending the same form again returns the community it created.
    """
    viewer = as_viewer(actor)
    require(can_create_community(viewer))
    community = Community(
        name=_clean_text(name, field="name", max_length=120, required=True),
        description=_clean_text(description, field="description", max_length=5000),
        purpose=_clean_text(purpose, field="purpose", max_length=2000),
        category=category,
        language=_clean_choice(language, Community.Language, "language"),
        visibility=_clean_choice(visibility, Community.Visibility, "visibility"),
        join_policy=_clean_choice(join_policy, Community.JoinPolicy, "join_policy"),
        created_by=acting_user(viewer),
    )
    tag_names = _clean_tags(tags)
    cover = _clean_cover(cover_image)
    explicit = _clean_slug(slug) if slug else ""
    for _attempt in range(3):
        community.slug = explicit or _free_slug(slug_base(community.name))
        try:
            with transaction.atomic():
                community.save()
            break
        except IntegrityError:
            # Someone took the same address between our check and the insert.
            if explicit:
                raise ValidationError(
                    _("The address “%(slug)s” is already taken. Choose another one."),
                    code="duplicate_slug",
                    params={"slug": explicit},
                ) from None
    else:  # pragma: no cover - three collisions in a row
        raise ValidationError(_("Could not find a free address; try again."), code="slug_race")
    if cover is not None:
        community.cover_image.save(cover.name or "cover", cover, save=False)
    _set_tags(community, tag_names)
    community.member_count = 1
    community.save(update_fields=["cover_image", "tag_names", "member_count"])
    owner = Membership.objects.create(
        user=acting_user(viewer),
        community=community,
        role=Membership.Role.OWNER,
        state=Membership.State.ACTIVE,
        decided_at=timezone.now(),
    )
    membership_event_record(
        community_id=community.pk, user_id=owner.user_id, kind=MembershipEvent.Kind.JOINED, role=owner.role
    )
    forget_memberships(viewer)
    audit(viewer, action="community.created", community=community, target=community, after=_snapshot(community))
    return community


@transaction.atomic
def community_update(
    *,
    actor: Viewer | User,
    community: Community,
    name: str = UNSET,
    description: str = UNSET,
    purpose: str = UNSET,
    category: Category | None = UNSET,
    tags: Iterable[str] = UNSET,
    language: str = UNSET,
    visibility: str = UNSET,
    join_policy: str = UNSET,
    cover_image: File[Any] | None = UNSET,
) -> Community:
    """Change a community's settings; only the arguments passed are touched (``cover_image=None``
    removes the cover). Writes one audit row with the changed fields, none if nothing changed.
    The address (slug) stays: links to the community must keep working.
    """
    viewer = as_viewer(actor)
    require(can_change_community_settings(viewer, community))
    community = lock_community(community)
    require(can_change_community_settings(viewer, community))
    before = _snapshot(community)
    if is_set(name):
        community.name = _clean_text(name, field="name", max_length=120, required=True)
    if is_set(description):
        community.description = _clean_text(description, field="description", max_length=5000)
    if is_set(purpose):
        community.purpose = _clean_text(purpose, field="purpose", max_length=2000)
    if is_set(category):
        community.category = category
    if is_set(language):
        community.language = _clean_choice(language, Community.Language, "language")
    if is_set(visibility):
        community.visibility = _clean_choice(visibility, Community.Visibility, "visibility")
    if is_set(join_policy):
        community.join_policy = _clean_choice(join_policy, Community.JoinPolicy, "join_policy")
    if is_set(tags):
        names = _clean_tags(tags)
        if ", ".join(names) != community.tag_names:
            _set_tags(community, names)
    if is_set(cover_image):
        cover = _clean_cover(cover_image)
        if cover is None:
            community.cover_image = None  # type: ignore[assignment]
        else:
            community.cover_image.save(cover.name or "cover", cover, save=False)
    after = _snapshot(community)
    changed = [field for field in SETTINGS_FIELDS if before[field] != after[field]]
    if not changed:
        return community
    community.save(update_fields=[*changed, "updated_at"])
    if "visibility" in changed:
        community_access_changed(community, reason="community.visibility_changed")
    if "cover_image" in changed and before["cover_image"]:
        _delete_file_on_commit(community, before["cover_image"])
    audit(
        viewer,
        action="community.updated",
        community=community,
        target=community,
        before={f: before[f] for f in changed},
        after={f: after[f] for f in changed},
    )
    return community


def _set_lifecycle(viewer: Viewer, community: Community, *, archive: bool, reason: str) -> Community:
    require(can_archive_community(viewer, community))
    community = lock_community(community)
    require(can_archive_community(viewer, community))
    if community.is_archived == archive:
        raise ValidationError(
            _("This community is already archived.") if archive else _("This community is not archived."),
            code="lifecycle_unchanged",
        )
    before = {"lifecycle": community.lifecycle}
    community.lifecycle = Community.Lifecycle.ARCHIVED if archive else Community.Lifecycle.ACTIVE
    community.archived_at = timezone.now() if archive else None
    community.save(update_fields=["lifecycle", "archived_at", "updated_at"])
    if archive:
        community_access_changed(community, reason="community.archived")
    audit(
        viewer,
        action="community.archived" if archive else "community.unarchived",
        community=community,
        target=community,
        before=before,
        after={"lifecycle": community.lifecycle},
        reason=reason,
    )
    return community


@transaction.atomic
def community_archive(*, actor: Viewer | User, community: Community, reason: str = "") -> Community:
    """Make a community read-only (owners and coordinators). Members keep finding it."""
    return _set_lifecycle(as_viewer(actor), community, archive=True, reason=reason)


@transaction.atomic
def community_unarchive(*, actor: Viewer | User, community: Community, reason: str = "") -> Community:
    """Bring an archived community back to life (owners and coordinators)."""
    return _set_lifecycle(as_viewer(actor), community, archive=False, reason=reason)


@transaction.atomic
def community_set_official(*, actor: Viewer | User, community: Community, is_official: bool) -> Community:
    """Set or clear the official flag (coordinators only). No audit row when nothing changes."""
    viewer = as_viewer(actor)
    require(can_set_official(viewer, community))
    community = lock_community(community)
    if community.is_official != is_official:
        community.is_official = is_official
        community.save(update_fields=["is_official", "updated_at"])
        audit(
            viewer,
            action="community.official_changed",
            community=community,
            target=community,
            before={"is_official": not is_official},
            after={"is_official": is_official},
        )
    return community


POST_RETENTION_MAX_DAYS = 36500


@transaction.atomic
def community_set_post_retention(*, actor: Viewer | User, community: Community, days: int, action: str) -> Community:
    """Keep the community's posts ``days`` days (0: for ever), then archive or delete them
    (``PostRetention``); applied by the nightly retention job. Owners and coordinators; one audit
    row when something changed. ``ValidationError`` for a negative or absurd period or an unknown
    action."""
    viewer = as_viewer(actor)
    require(can_change_post_retention(viewer, community))
    if not isinstance(days, int) or not 0 <= days <= POST_RETENTION_MAX_DAYS:
        raise ValidationError(
            {
                "post_retention_days": _("Enter a number of days between 0 and %(max)d.")
                % {"max": POST_RETENTION_MAX_DAYS}
            }
        )
    action = _clean_choice(action, PostRetention, "post_retention_action")
    community = lock_community(community)
    before = {
        "post_retention_days": community.post_retention_days,
        "post_retention_action": community.post_retention_action,
    }
    after = {"post_retention_days": days, "post_retention_action": action}
    if before != after:
        community.post_retention_days = days
        community.post_retention_action = action
        community.save(update_fields=["post_retention_days", "post_retention_action", "updated_at"])
        audit(
            viewer,
            action="community.post_retention_changed",
            community=community,
            target=community,
            before=before,
            after=after,
        )
    return community


@transaction.atomic
def community_settings_save(
    *,
    actor: Viewer | User,
    community: Community,
    changes: dict[str, Any],
    is_official: bool | None = None,
    post_retention: tuple[int, str] | None = None,
) -> Community:
    """The settings page's save: :func:`community_update` with ``changes`` (its keyword arguments)
    and, unless ``is_official`` is ``None``, :func:`community_set_official`, and unless
    ``post_retention`` (days, action) is ``None``, :func:`community_set_post_retention`; all or
    nothing."""
    updated = community_update(actor=actor, community=community, **changes)
    if is_official is not None:
        updated = community_set_official(actor=actor, community=updated, is_official=is_official)
    if post_retention is not None:
        days, action = post_retention
        updated = community_set_post_retention(actor=actor, community=updated, days=days, action=action)
    return updated


def community_recount_members(*, community_ids: Iterable[int] | None = None) -> int:
    """Recompute ``member_count`` from the membership rows (system use: bulk seeding, repair).

    One UPDATE for all given communities (all when ``None``); returns the number of rows updated.
    """
    active = (
        Membership.objects.filter(community=OuterRef("pk"), state=Membership.State.ACTIVE)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Community.objects.all()
    if community_ids is not None:
        qs = qs.filter(pk__in=list(community_ids))
    return qs.update(
        member_count=Coalesce(Subquery(active, output_field=IntegerField()), 0),
    )
