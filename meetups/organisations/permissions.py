"""Who curates the organisations and the people from outside (query-free predicates).

Coordinators (of any scope) curate the meetup directory, which belongs to no community: they add
and edit organisations and people from outside. Organisers pick from these lists.
"""

from __future__ import annotations

from collections.abc import Callable

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


# Who sees the e-mail addresses of people from outside: coordinators, and whoever a higher feature
# vouches for (events registers "organises a series"); organisations never imports events.
_email_readers: list[Callable[[Viewer], bool]] = []


def register_external_email_reader(check: Callable[[Viewer], bool]) -> None:
    """Let ``check(viewer)`` grant the sight of external people's e-mail addresses (from ready())."""
    if check not in _email_readers:
        _email_readers.append(check)


def can_view_external_email(viewer: Viewer) -> bool:
    """E-mail addresses of people from outside: coordinators and registered readers (organisers)."""
    if not viewer.is_authenticated:
        return False
    return is_meetup_coordinator(viewer) or any(check(viewer) for check in _email_readers)
