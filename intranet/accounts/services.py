"""Writes for people: creating users with their profile, editing profiles, following colleagues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from intranet.core.access import access_changed
from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.realtime import close_sockets_on_commit
from intranet.core.viewer import viewer_for

from .images import ProcessedAvatar
from .models import Follow, Profile, Skill, User
from .permissions import can_edit_profile, can_follow_user
from .selectors import DIRECTORY_FACETS_CACHE_KEY
from .signals import user_deactivating
from .text import search_name_for

MAX_SKILLS = 30
MAX_LANGUAGES = 20

# "<b", "</p", "<!--", "<?php", "< script": anything a browser or a sanitizer would treat as markup.
# A lone "<" as in "I <3 Python" or "a < b" stays allowed.
_MARKUP = re.compile(r"<\s*[/!?]?\s*[a-zA-Z!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ERROR_MARKUP = _("Please use plain text: HTML tags such as <script> are not allowed here.")
ERROR_SELF_FOLLOW = _("You cannot follow yourself.")


def validate_plain_text(value: str) -> None:
    """Reject HTML or script markup in a plain-text profile field, with a message people understand."""
    if _MARKUP.search(value or ""):
        raise ValidationError(ERROR_MARKUP, code="markup")


def _clean_text(value: str) -> str:
    return _CONTROL.sub("", value).strip()


# Users ------------------------------------------------------------------------------------------


def user_create(
    *,
    email: str,
    password: str | None = None,
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    **extra: Any,
) -> User:
    """Create a user together with their (empty) profile, in one transaction.

    ``password=None`` leaves an unusable password (single sign-on users). The e-mail address is
    recorded as verified: whoever provisions an account (HR import, staff, demo data) vouches for
    it, so the first sign-in does not stop at an e-mail confirmation.
    """
    if display_name:
        extra["display_name"] = display_name
    with transaction.atomic():
        if is_superuser:
            user = User.objects.create_superuser(email, password, **extra)
        else:
            user = User.objects.create_user(email, password, is_staff=is_staff, **extra)
        Profile.objects.create(user=user)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# Profiles ---------------------------------------------------------------------------------------


def profile_get_or_create(*, user: User) -> Profile:
    """The user's profile; users created before profiles existed get an empty one on first use."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def _skill_objects(names: Sequence[str]) -> list[Skill | str]:
    """Existing skills matched case-insensitively (so "python" joins "Python"), new ones as names."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = _clean_text(raw)[:100]
        if name and name.lower() not in wanted:
            wanted[name.lower()] = name
    if len(wanted) > MAX_SKILLS:
        raise ValidationError({"skills": _("Please list at most %(max)d skills.") % {"max": MAX_SKILLS}})
    existing = {
        skill.lname: skill  # type: ignore[attr-defined]
        for skill in Skill.objects.annotate(lname=Lower("name")).filter(lname__in=list(wanted))
    }
    return [existing.get(key, name) for key, name in wanted.items()]


def _clean_languages(languages: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in languages:
        name = _clean_text(raw)
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    result = list(seen.values())
    if len(result) > MAX_LANGUAGES:
        raise ValidationError({"languages": _("Please list at most %(max)d languages.") % {"max": MAX_LANGUAGES}})
    if any(len(name) > 40 for name in result):
        raise ValidationError({"languages": _("Each language may have at most 40 characters.")})
    return result


def profile_update(
    *,
    actor: User | None,
    user: User,
    display_name: str | None = None,
    job_title: str | None = None,
    department: str | None = None,
    location: str | None = None,
    languages: Sequence[str] | None = None,
    skills: Sequence[str] | None = None,
    bio: str | None = None,
    avatar: ProcessedAvatar | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Change ``user``'s name and profile; arguments left as ``None`` stay as they are.

    Validates everything before writing anything: a bad value raises ``ValidationError`` (a dict
    keyed by field) and nothing is saved. Keeps ``User.search_name`` in step with the display name.
    When staff (or the system: ``actor=None``, e.g. SCIM provisioning) edit someone else's profile
    the change is audit-logged. The replaced avatar file is
    deleted and the directory filters are refreshed after commit.
    """
    if actor is not None:
        require(can_edit_profile(viewer_for(actor), user))
    errors: dict[str, list[Any]] = {}

    texts = {"display_name": display_name, "job_title": job_title, "department": department, "location": location}
    cleaned: dict[str, str] = {}
    for field, value in [*texts.items(), ("bio", bio)]:
        if value is None:
            continue
        value = value.replace("\r\n", "\n").strip() if field == "bio" else _clean_text(value)
        try:
            validate_plain_text(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
        cleaned[field] = value
    if "display_name" in cleaned and not cleaned["display_name"]:
        errors.setdefault("display_name", []).append(_("Please enter the name colleagues know you by."))
    if "display_name" in cleaned and len(cleaned["display_name"]) > 150:
        errors.setdefault("display_name", []).append(_("The name may have at most 150 characters."))
    clean_languages = None
    skill_objects = None
    try:
        if languages is not None:
            clean_languages = _clean_languages(languages)
        if skills is not None:
            skill_objects = _skill_objects(skills)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if avatar is not None and not isinstance(avatar, ProcessedAvatar):
        raise TypeError("profile_update() takes avatars processed by images.avatar_from_upload().")
    if errors:
        raise ValidationError(errors)

    new_file_name = ""
    try:
        with transaction.atomic():
            profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
            before = _snapshot(user, profile)
            user_fields: list[str] = []
            if "display_name" in cleaned and cleaned["display_name"] != user.display_name:
                user.display_name = cleaned["display_name"]
                user.search_name = search_name_for(user.display_name)
                user_fields = ["display_name", "search_name"]
            profile_fields: list[str] = []
            for field in ("job_title", "department", "location", "bio"):
                if field in cleaned and getattr(profile, field) != cleaned[field]:
                    setattr(profile, field, cleaned[field])
                    profile_fields.append(field)
            if clean_languages is not None and clean_languages != list(profile.languages):
                profile.languages = clean_languages
                profile_fields.append("languages")
            try:
                profile.clean_fields(exclude=["user", "avatar"])
            except ValidationError as exc:
                raise ValidationError(exc.message_dict) from exc
            old_avatar = profile.avatar.name if profile.avatar else ""
            if avatar is not None:
                profile.avatar.save("avatar.webp", avatar.as_file(), save=False)
                new_file_name = profile.avatar.name
                profile_fields.append("avatar")
            elif remove_avatar and old_avatar:
                profile.avatar.name = ""
                profile_fields.append("avatar")
            if user_fields:
                user.save(update_fields=user_fields)
            if profile_fields:
                profile.save(update_fields=[*profile_fields, "updated_at"])
            skills_changed = False
            if skill_objects is not None:
                current = {s.lower() for s in profile.skills.names()}
                wanted = {s.name.lower() if isinstance(s, Skill) else s.lower() for s in skill_objects}
                if current != wanted:
                    profile.skills.set(skill_objects)
                    skills_changed = True
            if (actor is None or actor.pk != user.pk) and (user_fields or profile_fields or skills_changed):
                audit_log(
                    actor=actor,
                    action="accounts.profile.update",
                    target=user,
                    before=before,
                    after=_snapshot(user, profile),
                )
            if old_avatar and "avatar" in profile_fields:
                storage = profile.avatar.storage
                transaction.on_commit(lambda: storage.delete(old_avatar))
            if skills_changed or {"department", "location"} & set(profile_fields):
                transaction.on_commit(lambda: cache.delete(DIRECTORY_FACETS_CACHE_KEY))
    except BaseException:
        if new_file_name:
            profile.avatar.storage.delete(new_file_name)
        raise
    return profile


def _snapshot(user: User, profile: Profile) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "job_title": profile.job_title,
        "department": profile.department,
        "location": profile.location,
        "languages": list(profile.languages),
        "bio": profile.bio,
        "avatar": bool(profile.avatar),
    }


# Follows ----------------------------------------------------------------------------------------


def follow_create(*, actor: User, followee: User) -> Follow:
    """Make ``actor`` follow ``followee``; following twice is harmless and returns the same row.

    Raises ``ValidationError`` for following oneself and ``PermissionDenied`` for a deactivated
    followee.
    """
    if actor.pk == followee.pk:
        raise ValidationError(ERROR_SELF_FOLLOW, code="self_follow")
    require(can_follow_user(viewer_for(actor), followee))
    follow, _created = Follow.objects.get_or_create(follower=actor, followee=followee)
    return follow


def follow_delete(*, actor: User, followee: User) -> None:
    """Stop ``actor`` following ``followee``; a no-op if they did not follow."""
    Follow.objects.filter(follower=actor, followee=followee).delete()


# Preferences ------------------------------------------------------------------------------------


def user_set_language(*, actor: User, language: str) -> User:
    """Remember ``actor``'s interface language; e-mails and sessions without a language cookie
    use it. Unknown codes are refused with a ``ValidationError``."""
    if language not in User.Language.values:
        raise ValidationError(_("Unknown language."))
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor


# Deactivation -----------------------------------------------------------------------------------

DEACTIVATION_REASON_MAX = 1000


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Switch ``user``'s account off (staff only; ``actor=None`` for system jobs). One audit row.

    Sends ``user_deactivating`` inside the transaction first, so other apps hand over what the
    person ran (communities promote a successor owner) atomically with the deactivation. After
    commit every open socket of the person closes. Already inactive accounts are left alone (no
    signal, no audit).
    """
    if actor is not None:
        require(bool(actor.is_authenticated and actor.is_active and (actor.is_staff or actor.is_superuser)))
        if actor.pk == user.pk:
            raise ValidationError(_("You cannot deactivate your own account."), code="self")
    reason = _clean_text(reason or "")[:DEACTIVATION_REASON_MAX]
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        return locked
    user_deactivating.send(sender=User, user=locked, actor=actor, reason=reason)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    # Open sockets close after commit (they re-check the account and find it inactive).
    access_changed(reason="user.deactivated", user_ids=[locked.pk])
    close_sockets_on_commit(locked.pk)
    audit_log(
        actor=actor,
        action="user.deactivated",
        target=locked,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
        scope=f"user:{locked.pk}",
    )
    user.is_active = False
    return locked


@transaction.atomic
def user_reactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Switch a deactivated account back on (staff only; ``actor=None`` for system jobs such as
    SCIM provisioning). One audit row; roles handed over at deactivation stay with their successors."""
    if actor is not None:
        require(bool(actor.is_authenticated and actor.is_active and (actor.is_staff or actor.is_superuser)))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    audit_log(
        actor=actor,
        action="user.reactivated",
        target=locked,
        before={"is_active": False},
        after={"is_active": True},
        reason=_clean_text(reason or "")[:DEACTIVATION_REASON_MAX],
        scope=f"user:{locked.pk}",
    )
    user.is_active = True
    return locked
