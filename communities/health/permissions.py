"""Who sees a community's health figures and score; query-free predicates.

The figures are aggregates, but they describe the work of a small group of people, so they are
shown only to the people responsible for the community: its owners and managers, and the
coordinators whose scope covers it (``is_coordinator``). Moderators and members see the
"What is measured" page, not the figures.
"""

from __future__ import annotations

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import (
    can_view_community,
    is_coordinator,
    role_map,
)
from intranet.core.viewer import Viewer

Role = Membership.Role


def _manages(viewer: Viewer, community: Community) -> bool:
    entry = role_map(viewer).get(community.pk) if viewer.is_authenticated else None
    return entry is not None and entry[1] == Membership.State.ACTIVE and ROLE_RANK[entry[0]] >= ROLE_RANK[Role.MANAGER]


def can_view_community_health(viewer: Viewer, community: Community) -> bool:
    """See the figures, score, state and suggestions: owners, managers and coordinators in scope."""
    if not viewer.is_authenticated:
        return False
    return _manages(viewer, community) or is_coordinator(viewer, community)


def can_view_health_measures(viewer: Viewer, community: Community) -> bool:
    """Read what is measured about a community: everyone who may see the community."""
    return can_view_community(viewer, community)


def can_recompute_health(viewer: Viewer) -> bool:
    """Ask for the nightly health, dormancy and tandem jobs to run now: coordinators (any scope; the
    jobs only refresh derived figures, the same for everybody)."""
    return viewer.is_authenticated and is_coordinator(viewer)
