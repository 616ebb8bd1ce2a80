"""Access rules of the coordinator console: who opens it, and which communities it shows.

The actions the console offers (handovers, campaigns, merges, notes) have their rules in
:mod:`communities.lifecycle.permissions`; who opens the console is the coordinator role of
:mod:`communities.core.permissions`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from communities.core.models import Community
from communities.core.permissions import coordinated_communities, coordinates_community
from intranet.core.viewer import Viewer


def can_coordinate_community(viewer: Viewer, community: Community) -> bool:
    """See a community in the console (figures, explanation, campaign state): within one's scope."""
    return coordinates_community(viewer, community)


def visible_console_communities(viewer: Viewer, qs: QuerySet[Community] | None = None) -> QuerySet[Community]:
    """Twin of :func:`can_coordinate_community`."""
    return coordinated_communities(viewer, qs)
