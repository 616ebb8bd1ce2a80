"""Who curates the organisations and the people from outside (query-free predicates).

Coordinators (of any scope) curate the meetup directory, which belongs to no community: they add
and edit organisations and people from outside. Organisers pick from these lists.
"""

from __future__ import annotations

from communities.api import is_coordinator
from intranet.core.viewer import Viewer

from .models import ExternalPerson, Organisation


def is_meetup_coordinator(viewer: Viewer) -> bool:
    """Coordinators (of any scope) curate the meetup directory, which belongs to no community."""
    return is_coordinator(viewer)


def can_curate_organisations(viewer: Viewer) -> bool:
    return viewer.is_authenticated and is_meetup_coordinator(viewer)


def can_edit_organisation(viewer: Viewer, organisation: Organisation) -> bool:
    return can_curate_organisations(viewer)


def can_edit_external_person(viewer: Viewer, person: ExternalPerson) -> bool:
    return can_curate_organisations(viewer)
