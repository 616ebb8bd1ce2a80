"""Writes of provisioning: people and organisational units as the identity provider sends them.

Every write runs in one transaction, locks the SCIM row first, reuses the accounts services
(``user_create``, ``profile_update``, ``user_deactivate``, ``user_reactivate``) and writes one audit
row with the system as actor and the token named in the reason. Protocol errors are raised as
``scim2_models`` exceptions, which the views turn into SCIM error bodies.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from scim2_models import (
    Context,
    InvalidValueException,
    PatchOp,
    SCIMException,
    UniquenessException,
)

from intranet.accounts.models import User
from intranet.accounts.services import profile_update, user_create, user_deactivate, user_reactivate
from intranet.core.audit import audit_log

from .models import ScimGroup, ScimToken, ScimUser
from .resources import ENTERPRISE_SCHEMA, EnterpriseUser, FullUser, Group

#: The keys of a User kept as sent (everything but id, meta, userName, externalId and active).
STORED_USER_KEYS = ("displayName", "name", "title", "emails", ENTERPRISE_SCHEMA)
#: Set when the identity provider states ``active``; the value shown is always the account's own.
ACTIVE_STATED = "active"


def _reason(token: ScimToken) -> str:
    return f"SCIM: {token.name}"[:500]


def _is_email(value: str | None) -> bool:
    if not value:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


MAX_ID_LENGTH = 255


def _check_lengths(resource: Any) -> None:
    for name, value in (("userName", resource.user_name), ("externalId", resource.external_id)):
        if value and len(value) > MAX_ID_LENGTH:
            raise InvalidValueException(detail=f"{name} may have at most {MAX_ID_LENGTH} characters.")


def _sign_in_email(resource: Any) -> str:
    """userName when it is an e-mail address (Entra's UPN, Okta's login), else the primary e-mail."""
    if _is_email(resource.user_name):
        return str(resource.user_name).strip().lower()
    emails = resource.emails or []
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    if chosen is not None and chosen.value:
        return str(chosen.value).strip().lower()
    raise InvalidValueException(detail="userName or a primary e-mail must be an e-mail address.")


def _stored_attributes(resource: Any) -> dict[str, Any]:
    dumped = resource.model_dump(scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    stored = {key: dumped[key] for key in STORED_USER_KEYS if dumped.get(key) not in (None, [], {})}
    if resource.active is not None:
        # A removed ``active`` changes nothing on the account (no statement is not a leaver).
        stored[ACTIVE_STATED] = True
    return stored


def _display_name(resource: Any, email: str) -> str:
    name = resource.name
    candidates = [
        resource.display_name,
        name.formatted if name else None,
        " ".join(part for part in (name.given_name, name.family_name) if part) if name else None,
        email.split("@", 1)[0].replace(".", " ").title(),
    ]
    return next(c.strip() for c in candidates if c and c.strip())[:150]


def _apply_profile(user: User, resource: Any, email: str) -> None:
    enterprise = resource[EnterpriseUser]
    try:
        profile_update(
            actor=None,  # the system, on the identity provider's word
            user=user,
            display_name=_display_name(resource, email),
            job_title=resource.title or "",
            department=(enterprise.department if enterprise else None) or "",
        )
    except ValidationError as exc:
        raise InvalidValueException(detail="; ".join(exc.messages)) from exc


def _apply_active(*, user: User, active: bool | None, token: ScimToken) -> None:
    if active is False and user.is_active:
        user_deactivate(actor=None, user=user, reason=_reason(token))  # the leaver path
    elif active is True and not user.is_active:
        user_reactivate(actor=None, user=user, reason=_reason(token))


def _check_user_name_free(user_name: str, exclude: uuid.UUID | None = None) -> None:
    taken = ScimUser.objects.filter(user_name__iexact=user_name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise UniquenessException(detail="This userName is already provisioned.")


def _set_email(user: User, email: str) -> None:
    """Move the sign-in address. accounts has no e-mail change service; like ``user_create`` the
    identity provider vouches for the address, so it is recorded as verified."""
    if user.email.lower() == email:
        return
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise UniquenessException(detail="Another account signs in with this e-mail address.")
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


def scim_user_create(*, token: ScimToken, resource: Any) -> ScimUser:
    """Provision a person (joiner). An existing account with the same e-mail and no SCIM link is
    adopted (first connection of an identity provider); a superuser account never is."""
    if not resource.user_name:
        raise InvalidValueException(detail="userName is required.")
    _check_lengths(resource)
    email = _sign_in_email(resource)
    try:
        with transaction.atomic():
            _check_user_name_free(resource.user_name)
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            if user is not None and (user.is_superuser or ScimUser.objects.filter(user=user).exists()):
                raise UniquenessException(detail="An account with this e-mail address exists already.")
            adopted = user is not None
            if user is None:
                user = user_create(email=email, password=None, display_name=_display_name(resource, email))
            scim_user = ScimUser.objects.create(
                user=user,
                user_name=resource.user_name,
                external_id=resource.external_id or "",
                attributes=_stored_attributes(resource),
            )
            _apply_profile(user, resource, email)
            _apply_active(user=user, active=True if resource.active is None else resource.active, token=token)
            audit_log(
                actor=None,
                action="scim.user.created",
                target=user,
                after={"userName": scim_user.user_name, "externalId": scim_user.external_id, "adopted": adopted},
                reason=_reason(token),
                scope=f"scim:{token.pk}",
            )
    except IntegrityError as exc:  # a concurrent request provisioned the same name or address
        raise UniquenessException(detail="This userName or e-mail is already provisioned.") from exc
    return scim_user


def scim_user_replace(*, token: ScimToken, scim_user: ScimUser, resource: Any) -> ScimUser:
    """Replace a person's attributes (mover): profile, name, e-mail, and ``active`` (leaver path
    when it turns false)."""
    if not resource.user_name:
        raise InvalidValueException(detail="userName is required.")
    _check_lengths(resource)
    email = _sign_in_email(resource)
    try:
        with transaction.atomic():
            locked = ScimUser.objects.select_for_update().select_related("user").get(pk=scim_user.pk)
            user = locked.user
            _check_user_name_free(resource.user_name, exclude=locked.pk)
            before = _snapshot(locked)
            _set_email(user, email)
            locked.user_name = resource.user_name
            locked.external_id = resource.external_id or ""
            locked.attributes = _stored_attributes(resource)
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save(update_fields=["user_name", "external_id", "attributes", "version", "updated_at"])
            _apply_profile(user, resource, email)
            _apply_active(user=user, active=resource.active, token=token)
            audit_log(
                actor=None,
                action="scim.user.updated",
                target=user,
                before=before,
                after=_snapshot(locked),
                reason=_reason(token),
                scope=f"scim:{token.pk}",
            )
    except IntegrityError as exc:
        raise UniquenessException(detail="This userName or e-mail is already provisioned.") from exc
    return locked


def _snapshot(scim_user: ScimUser) -> dict[str, Any]:
    return {
        "userName": scim_user.user_name,
        "externalId": scim_user.external_id,
        "active": scim_user.user.is_active,
        **scim_user.attributes,
    }


def apply_patch(resource: Any, patch: PatchOp[Any]) -> Any:
    """Apply PATCH operations to a resource; bad paths and values raise SCIM errors."""
    try:
        patch.patch(resource)
    except SCIMException:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidValueException(detail=str(exc)[:300]) from exc
    return resource


def scim_user_delete(*, token: ScimToken, scim_user: ScimUser) -> None:
    """Deprovision a person: the leaver path (account off, sessions closed, communities handed
    over) and the SCIM link removed. The account and what the person wrote stay; erasing personal
    data is the privacy process's job."""
    with transaction.atomic():
        locked = ScimUser.objects.select_for_update().select_related("user").get(pk=scim_user.pk)
        user = locked.user
        before = _snapshot(locked)
        if user.is_active:
            user_deactivate(actor=None, user=user, reason=_reason(token))
        locked.delete()
        audit_log(
            actor=None,
            action="scim.user.deleted",
            target=user,
            before=before,
            reason=_reason(token),
            scope=f"scim:{token.pk}",
        )


# Groups -----------------------------------------------------------------------------------------


def _members(resource: Any) -> list[ScimUser]:
    ids: list[uuid.UUID] = []
    for member in resource.members or []:
        raw = member.value or (str(member.ref).rstrip("/").rsplit("/", 1)[-1] if member.ref else "")
        try:
            ids.append(uuid.UUID(str(raw)))
        except ValueError:
            raise InvalidValueException(detail=f"{raw!r} is not a User of this service.") from None
    found = {member.pk: member for member in ScimUser.objects.filter(pk__in=ids).only("pk")}
    if missing := [str(i) for i in ids if i not in found]:
        raise InvalidValueException(detail=f"Unknown members: {', '.join(missing[:5])}")
    return [found[i] for i in dict.fromkeys(ids)]


def _group_display_name(resource: Any) -> str:
    name = (resource.display_name or "").strip()
    if not name:
        raise InvalidValueException(detail="displayName is required.")
    if len(name) > MAX_ID_LENGTH or len(resource.external_id or "") > MAX_ID_LENGTH:
        raise InvalidValueException(detail=f"displayName and externalId may have at most {MAX_ID_LENGTH} characters.")
    return name


def scim_group_create(*, token: ScimToken, resource: Group) -> ScimGroup:
    """Provision an organisational unit with its members. One audit row."""
    name = _group_display_name(resource)
    try:
        with transaction.atomic():
            if ScimGroup.objects.filter(display_name__iexact=name).exists():
                raise UniquenessException(detail="A group with this displayName exists already.")
            members = _members(resource)
            group = ScimGroup.objects.create(display_name=name, external_id=resource.external_id or "")
            group.members.set(members)
            audit_log(
                actor=None,
                action="scim.group.created",
                target=group,
                after={"displayName": name, "members": len(members)},
                reason=_reason(token),
                scope=f"scim:{token.pk}",
            )
    except IntegrityError as exc:
        raise UniquenessException(detail="A group with this displayName exists already.") from exc
    return group


def scim_group_replace(*, token: ScimToken, group: ScimGroup, resource: Group) -> ScimGroup:
    """Replace an organisational unit's name and members. One audit row."""
    name = _group_display_name(resource)
    try:
        with transaction.atomic():
            locked = ScimGroup.objects.select_for_update().get(pk=group.pk)
            if ScimGroup.objects.filter(display_name__iexact=name).exclude(pk=locked.pk).exists():
                raise UniquenessException(detail="A group with this displayName exists already.")
            members = _members(resource)
            before = {"displayName": locked.display_name, "externalId": locked.external_id}
            locked.display_name = name
            locked.external_id = resource.external_id or ""
            locked.version += 1
            locked.updated_at = timezone.now()
            locked.save(update_fields=["display_name", "external_id", "version", "updated_at"])
            locked.members.set(members)
            audit_log(
                actor=None,
                action="scim.group.updated",
                target=locked,
                before=before,
                after={"displayName": name, "externalId": locked.external_id, "members": len(members)},
                reason=_reason(token),
                scope=f"scim:{token.pk}",
            )
    except IntegrityError as exc:
        raise UniquenessException(detail="A group with this displayName exists already.") from exc
    return locked


def scim_group_delete(*, token: ScimToken, group: ScimGroup) -> None:
    """Remove an organisational unit (its members' accounts are untouched). One audit row."""
    with transaction.atomic():
        locked = ScimGroup.objects.select_for_update().get(pk=group.pk)
        audit_log(
            actor=None,
            action="scim.group.deleted",
            target=locked,
            before={"displayName": locked.display_name},
            reason=_reason(token),
            scope=f"scim:{token.pk}",
        )
        locked.delete()


__all__ = [
    "FullUser",
    "apply_patch",
    "scim_group_create",
    "scim_group_delete",
    "scim_group_replace",
    "scim_user_create",
    "scim_user_delete",
    "scim_user_replace",
]
