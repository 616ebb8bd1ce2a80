"""The eraser: removes a person from the platform, generically over the register of personal data.

Order of work, in one transaction (all or nothing):

1. the leaver path ``user_deactivate`` runs first, so the apps hand over what the person ran
   (communities promote a successor owner) and open sockets close;
2. the domain apps' extra steps (``intranet.core.erasure``): re-rendering mentions, direct messages
   as ``ERASURE_DIRECT_MESSAGES`` says, posts as ``ERASURE_POSTS`` says, uploaded files;
3. the generic pass over every register entry: the person's rows of a ``DELETE`` entry are deleted,
   those of an ``ANONYMISE`` entry stay re-attributed to the "former employee" account with the
   fields declared ``DELETE`` blanked and the person's names replaced in the fields declared
   ``ANONYMISE``; ``KEEP`` entries stay as they are;
4. audit rows about the person lose their name and snapshots (the action, its time and reason stay);
   what still points at the person with ``PROTECT`` moves to the placeholder;
5. the account row is deleted: sessions stop signing it in, its tokens, e-mail addresses, second
   factors and everything declared ``CASCADE`` go with it.

After commit the files collected on the way (avatar, attachments) are deleted from storage and the
person's cache entries are dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Replace

from intranet.core import privacy
from intranet.core.erasure import ErasureContext, audit_redaction, erasure_steps
from intranet.core.models import AuditEntry, OutboxEvent, OutboxReceipt

from ..models import Profile, User
from ..selectors import DIRECTORY_FACETS_CACHE_KEY
from ..services import user_deactivate
from .placeholder import former_employee, former_employee_label

logger = logging.getLogger(__name__)

ERASURE_REASON = "erasure"


def person_identifiers(user: User) -> tuple[str, ...]:
    """The strings that name ``user`` in free text: display name, e-mail, handle (longest first)."""
    values = {user.display_name, user.email, user.email.split("@", 1)[0], f"@{user.handle}", user.handle}
    return tuple(sorted((v for v in values if v and len(v) >= 3), key=len, reverse=True))


def _user_fk(model: type[models.Model], path: str) -> models.ForeignKey[Any, Any] | None:
    """The field of ``model`` named ``path`` if it is a direct foreign key to the user model."""
    if "__" in path:
        return None
    try:
        field = model._meta.get_field(path)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.ForeignKey) and field.related_model is get_user_model():
        return field
    return None


def _blank(field: models.Field[Any, Any]) -> Any:
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    return ""


def _replace_identifiers(expression: Any, identifiers: tuple[str, ...], label: str) -> Any:
    for identifier in identifiers:
        expression = Replace(expression, Value(identifier), Value(label))
    return expression


def _collect_files(ctx: ErasureContext, qs: models.QuerySet[Any], model: type[models.Model]) -> None:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            storage = field.storage
            for name in qs.exclude(**{field.attname: ""}).values_list(field.attname, flat=True):
                if name:
                    ctx.files.append((storage, name))


def _anonymise_rows(ctx: ErasureContext, entry: privacy.Entry, qs: models.QuerySet[Any], label: str) -> int:
    """Re-attribute the rows of ``qs`` and blank or scrub their declared fields; returns the count."""
    model = entry.model
    user_pk = ctx.user.pk
    row_ids = list(qs.values_list("pk", flat=True))
    if not row_ids:
        return 0
    rows = model._default_manager.filter(pk__in=row_ids)
    updates: dict[str, Any] = {}
    for name, declared in entry.fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a declared property: nothing stored under that name
            continue
        if not isinstance(field, models.Field) or not field.concrete or field.primary_key:
            continue  # many-to-many links and reverse relations: the account row takes them along
        if _user_fk(model, name) is not None:
            continue  # links to people are handled below, row by row
        if declared.on_erase is privacy.OnErase.DELETE:
            if isinstance(field, models.FileField):
                _collect_files(ctx, rows, model)
            updates[field.attname] = _blank(field)
        elif declared.on_erase is privacy.OnErase.ANONYMISE and isinstance(field, models.CharField | models.TextField):
            if getattr(field, "generated", False):
                continue
            updates[field.attname] = _replace_identifiers(F(field.attname), ctx.identifiers, label)
    if updates:
        rows.update(**updates)
    # Every link from these rows to the person: the owner paths and any declared person field.
    for name in {*entry.owners, *entry.fields}:
        fk = _user_fk(model, name)
        if fk is None:
            continue
        link = entry.fields.get(name)
        if (
            link is not None
            and link.on_erase is privacy.OnErase.KEEP
            and fk.remote_field.on_delete is not models.PROTECT
        ):
            continue
        target = None if fk.null and link is not None and link.on_erase is privacy.OnErase.DELETE else ctx.placeholder
        rows.filter(**{fk.attname: user_pk}).update(**{fk.attname: target.pk if target is not None else None})
    return len(row_ids)


def _generic_pass(ctx: ErasureContext, label: str) -> None:
    user_model = get_user_model()
    for entry in privacy.entries():
        model = entry.model
        if model is user_model or model is Profile:
            continue  # the account and profile go with the account row at the end
        direct = [path for path in entry.owners if _user_fk(model, path) is not None]
        if not direct:
            continue
        owned = Q()
        for path in direct:
            owned |= Q(**{path: ctx.user.pk})
        qs = model._default_manager.filter(owned)
        model_label = model._meta.label
        if entry.on_erase is privacy.OnErase.DELETE:
            _collect_files(ctx, qs, model)
            deleted, _by_model = qs.delete()
            ctx.count(model_label, "deleted", deleted)
        elif entry.on_erase is privacy.OnErase.ANONYMISE:
            ctx.count(model_label, "anonymised", _anonymise_rows(ctx, entry, qs, label))


def _scrub_audit(ctx: ErasureContext, label: str) -> None:
    """Audit rows about the person keep what happened and when, not who it was."""
    user_type = ContentType.objects.get_for_model(get_user_model())
    about = AuditEntry.objects.filter(target_type=user_type, target_id=str(ctx.user.pk))
    ctx.count("core.AuditEntry", "anonymised", about.update(target_repr=label, before=None, after=None))
    # Snapshots of other actions (a profile edit by staff, a post hidden) may quote the person.
    quoting = AuditEntry.objects.filter(Q(actor_id=ctx.user.pk) | Q(target_repr__in=ctx.identifiers))
    quoting.update(target_repr=_replace_identifiers(F("target_repr"), ctx.identifiers, label))
    ctx.count(
        "core.AuditEntry",
        "re-attributed",
        AuditEntry.objects.filter(actor_id=ctx.user.pk).update(actor_id=ctx.placeholder.pk),
    )


#: Payload keys of outbox events that name a person, and keys that carry free text someone wrote.
_PERSON_KEYS = ("user_id", "actor_id", "author_id", "recipient_id", "reporter_id", "member_id", "by_id")
_TEXT_KEYS = ("message", "summary", "text", "body", "title", "preview", "reason", "note")


def _purge_outbox(ctx: ErasureContext) -> None:
    """Relayed outbox events that name the person or quote free text go: their work is done and the
    kernel would purge them after two weeks anyway; a payload may quote what the person wrote.
    Events not yet relayed stay (their consumers still have to run; they only carry row numbers
    of rows that are gone or anonymised by now)."""
    names = Q()
    for key in _PERSON_KEYS:
        names |= Q(**{f"payload__{key}": ctx.user.pk})
    for key in _TEXT_KEYS:
        names |= Q(**{"payload__has_key": key})
    for identifier in ctx.identifiers:
        names |= Q(payload__icontains=identifier)
    ids = list(OutboxEvent.objects.filter(names, relayed_at__isnull=False).values_list("pk", flat=True))
    OutboxReceipt.objects.filter(event_id__in=ids).delete()
    ctx.count("core.OutboxEvent", "deleted", OutboxEvent.objects.filter(pk__in=ids).delete()[0])


def _reassign_protected(ctx: ErasureContext) -> None:
    """Whatever still points at the person with PROTECT or DO_NOTHING moves to the placeholder."""
    user_model = get_user_model()
    for relation in user_model._meta.related_objects:
        if not isinstance(relation.field, models.ForeignKey):
            continue
        if relation.on_delete not in (models.PROTECT, models.DO_NOTHING, models.RESTRICT):
            continue
        model = relation.related_model
        if isinstance(model, str):
            continue  # an unresolved lazy reference: no table behind it
        moved = model._default_manager.filter(**{relation.field.attname: ctx.user.pk}).update(
            **{relation.field.attname: ctx.placeholder.pk}
        )
        ctx.count(model._meta.label, "re-attributed", moved)


def _files_delete(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def person_erase(*, user_id: int, actor: Any | None = None) -> dict[str, dict[str, int]]:
    """Erase the person ``user_id`` for good; returns the counts of what was done per model.

    Runs in one transaction; files and cache entries go after commit. Raises ``User.DoesNotExist``
    when the person is already gone. The caller (the erasure request workflow) has checked the
    approvals and writes the audit row of the request.
    """
    with transaction.atomic(), audit_redaction():
        user = User.objects.select_for_update().get(pk=user_id)
        placeholder = former_employee()
        if user.pk == placeholder.pk:
            raise ValueError("The former-employee placeholder cannot be erased.")
        user_deactivate(actor=None, user=user, reason=ERASURE_REASON)
        label = former_employee_label()
        ctx = ErasureContext(user=user, placeholder=placeholder, identifiers=person_identifiers(user), label=label)
        for _name, step in erasure_steps():
            step(ctx)
        _generic_pass(ctx, label)
        _scrub_audit(ctx, label)
        _purge_outbox(ctx)
        _reassign_protected(ctx)
        profile = Profile.objects.filter(user=user).first()
        if profile is not None and profile.avatar:
            ctx.delete_file_after_commit(profile.avatar)
        _deleted, by_model = User.objects.filter(pk=user.pk).delete()
        for model_label, n in by_model.items():
            ctx.count(model_label, "deleted", n)
        files = list(ctx.files)
        ctx.count("files", "deleted", len(files))
        transaction.on_commit(lambda: _files_delete(files))
        transaction.on_commit(lambda: cache.delete(DIRECTORY_FACETS_CACHE_KEY))
    return ctx.counts
