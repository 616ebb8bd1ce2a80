"""Reads of organisations and people from outside: the curation page, the edit forms, choices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from intranet.core.viewer import Viewer

from .models import ExternalPerson, Organisation


@dataclass
class OrganisationDirectory:
    organisations: list[Organisation]
    people: list[ExternalPerson]


def organisation_directory() -> OrganisationDirectory:
    """Organisations and the people from outside, for the curation page (two queries)."""
    return OrganisationDirectory(
        organisations=list(Organisation.objects.order_by("kind", "name", "id")),
        people=list(ExternalPerson.objects.select_related("organisation").order_by("name", "id")),
    )


def organisation_get(*, viewer: Viewer, pk: int) -> Organisation:
    if not viewer.is_authenticated:
        raise Http404
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def external_person_get(*, viewer: Viewer, pk: int) -> ExternalPerson:
    if not viewer.is_authenticated:
        raise Http404
    person = ExternalPerson.objects.select_related("organisation").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def organisation_list_for_filter() -> list[Organisation]:
    """Every organisation by name, only what a filter menu shows (one query)."""
    return list(Organisation.objects.order_by("name", "id").only("id", "name", "kind"))


def organisations_for_choice() -> QuerySet[Organisation]:
    """Every organisation by name, for choice fields (evaluated by the form)."""
    return Organisation.objects.order_by("name")


def external_organisations_for_choice() -> QuerySet[Organisation]:
    """The external organisations, for choosing the organisation of a partner community."""
    return Organisation.objects.filter(kind=Organisation.Kind.EXTERNAL)


def external_people_for_choice() -> QuerySet[ExternalPerson]:
    """People from outside with their organisation, by name, for choice fields."""
    return ExternalPerson.objects.select_related("organisation").order_by("name")
