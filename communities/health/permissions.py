"""Who sees a community's health figures and score; query-free predicates with queryset twins.

The figures are aggregates, but they describe the work of a small group of people, so they are
shown only to the people responsible for the community: its owners and managers, and the
coordinators whose scope covers it (``is_coordinator``). Moderators and members see the
"What is measured" page, not the figures.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import (
    can_view_community,
    community_ids_where,
    coordinator_reach,
    is_coordinator,
    role_map,
)
from communities.health.models import CommunityDayFigures, CommunityHealth
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


def _health_q(viewer: Viewer, prefix: str) -> Q | None:
    """``Q`` on ``<prefix>_id`` for the communities whose health the viewer sees; ``None``: all."""
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:
        return None
    managed = Q(**{f"{prefix}_id__in": community_ids_where(viewer, min_role=Role.MANAGER)})
    return managed | reach.q(prefix) if reach is not None else managed


def visible_community_healths(viewer: Viewer, qs: QuerySet[CommunityHealth] | None = None) -> QuerySet[CommunityHealth]:
    """Twin of :func:`can_view_community_health` for health rows."""
    qs = CommunityHealth.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    q = _health_q(viewer, "community")
    return qs if q is None else qs.filter(q)


def visible_community_day_figures(
    viewer: Viewer, qs: QuerySet[CommunityDayFigures] | None = None
) -> QuerySet[CommunityDayFigures]:
    """Twin of :func:`can_view_community_health` for daily figures."""
    qs = CommunityDayFigures.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    q = _health_q(viewer, "community")
    return qs if q is None else qs.filter(q)
