"""Coordinators curate the organisations and the people from outside; one audit row per write."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.idempotency import idempotent
from intranet.core.permissions import require
from intranet.core.viewer import Viewer

from . import permissions as perms
from .models import ExternalPerson, Organisation

ORGANISATION_FIELDS = ("name", "kind", "website", "city", "description")
PERSON_FIELDS = ("name", "organisation_id", "role", "email")


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _clean_organisation(org: Organisation) -> None:
    org.name = " ".join(org.name.split())
    if not org.name:
        raise ValidationError({"name": _("Enter the organisation's name.")}, code="required")
    if org.kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose a kind.")}, code="kind")


def _save_organisation(org: Organisation, *, actor: Viewer, action: str, before: dict[str, Any] | None) -> None:
    try:
        with transaction.atomic():
            org.save()
            audit_log(
                actor=actor.user, action=action, target=org, before=before, after=_snapshot(org, ORGANISATION_FIELDS)
            )
    except IntegrityError as exc:
        raise ValidationError({"name": _("An organisation with this name exists already.")}, code="duplicate") from exc


@idempotent("organisations.organisation_create", replay=lambda pk: Organisation.objects.get(pk=pk))
def organisation_create(
    *, actor: Viewer, name: str, idempotency_key: uuid.UUID | None = None, **fields: Any
) -> Organisation:
    """Add an organisation (coordinators). Writes one audit row. With ``idempotency_key`` (the
    form's), sending the same form again returns the organisation it added."""
    require(perms.can_curate_organisations(actor))
    org = Organisation(name=name, **fields)
    _clean_organisation(org)
    _save_organisation(org, actor=actor, action="meetup_organisation.created", before=None)
    return org


def organisation_update(*, actor: Viewer, organisation: Organisation, **fields: Any) -> Organisation:
    """Edit an organisation (coordinators). Writes one audit row with before and after."""
    require(perms.can_edit_organisation(actor, organisation))
    before = _snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise TypeError(f"unknown organisation field {name}")
        setattr(organisation, name, value)
    _clean_organisation(organisation)
    _save_organisation(organisation, actor=actor, action="meetup_organisation.updated", before=before)
    return organisation


def _clean_person(person: ExternalPerson) -> None:
    person.name = " ".join(person.name.split())
    if not person.name:
        raise ValidationError({"name": _("Enter the person's name.")}, code="required")
    person.email = person.email.strip().lower()


@idempotent("organisations.external_person_create", replay=lambda pk: ExternalPerson.objects.get(pk=pk))
def external_person_create(
    *, actor: Viewer, name: str, idempotency_key: uuid.UUID | None = None, **fields: Any
) -> ExternalPerson:
    """Add a person from outside (coordinators). Writes one audit row (without the e-mail). With
    ``idempotency_key`` (the form's), sending the same form again returns the person it added."""
    require(perms.can_curate_organisations(actor))
    person = ExternalPerson(name=name, **fields)
    _clean_person(person)
    person.save()
    audit_log(actor=actor.user, action="meetup_person.created", target=person, after={"name": person.name})
    return person


def external_person_update(*, actor: Viewer, person: ExternalPerson, **fields: Any) -> ExternalPerson:
    """Edit a person from outside (coordinators). Writes one audit row."""
    require(perms.can_edit_external_person(actor, person))
    before = {"name": person.name, "role": person.role, "organisation_id": person.organisation_id}
    for name, value in fields.items():
        if name not in (*PERSON_FIELDS, "organisation"):
            raise TypeError(f"unknown person field {name}")
        setattr(person, name, value)
    _clean_person(person)
    with transaction.atomic():
        person.save()
        audit_log(
            actor=actor.user,
            action="meetup_person.updated",
            target=person,
            before=before,
            after={"name": person.name, "role": person.role, "organisation_id": person.organisation_id},
        )
    return person
