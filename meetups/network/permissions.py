"""Access rules of the managers' network (query-free predicates).

They read only the viewer's cached maps from communities (:mod:`communities.api`: role map,
coordinator reach), so a list can ask them per row for free.

* The network is for people who run communities (owners, managers, moderators) and coordinators.
* A manager who opted out is not listed and cannot be asked for advice through the network.
* Managers (and coordinators) choose whether they are listed and what they advise on.
"""

from __future__ import annotations

from communities.api import Membership, community_ids_where, is_coordinator
from intranet.core.viewer import Viewer

from .models import NetworkProfile

_Role = Membership.Role


def runs_a_community(viewer: Viewer) -> bool:
    """Owner, manager or moderator (active) of at least one community."""
    return bool(viewer.is_authenticated and community_ids_where(viewer, min_role=_Role.MODERATOR))


def can_view_network(viewer: Viewer) -> bool:
    return viewer.is_authenticated and (runs_a_community(viewer) or is_coordinator(viewer))


def can_ask_for_advice(viewer: Viewer, manager_id: int, profile: NetworkProfile | None) -> bool:
    """Write to a listed manager through the network: not oneself, not someone who opted out."""
    if not can_view_network(viewer) or manager_id == viewer.user_id:
        return False
    return profile is None or not profile.opted_out


def can_edit_network_profile(viewer: Viewer) -> bool:
    """Managers (and coordinators) choose whether they are listed and what they advise on."""
    return viewer.is_authenticated and (
        bool(community_ids_where(viewer, min_role=_Role.MANAGER)) or is_coordinator(viewer)
    )
