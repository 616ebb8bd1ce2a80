"""The public surface of communities for other apps (training, meetups, integrations).

Other apps import communities only from here: models to point foreign keys at and to query by id,
the platform role "coordinator", the community access rules, a few selectors, the
``manager_appointed`` signal and the qualification registry. Everything else in communities is
private and may move; import-linter enforces this contract in ``make test``.
"""

from __future__ import annotations

from communities.canvas.selectors import canvas_completed_community_ids
from communities.core.permissions import (
    can_read_community_content,
    can_view_community,
    community_ids_where,
    coordinates_everything,
    coordinator_reach,
    is_coordinator,
    role_map,
    visible_communities,
)
from communities.core.qualifications import certificates_for, levels_for, register_qualification_source
from communities.core.selectors import community_get_for_viewer, managed_communities_for_users, manager_since_for_users
from communities.core.signals import manager_appointed
from communities.health.events import RECOMPUTE_REQUESTED as HEALTH_RECOMPUTE_REQUESTED
from communities.health.selectors import health_for_communities
from communities.models import ROLE_RANK, Category, Community, Membership, TaggedCommunity
from intranet.core.viewer import as_viewer

__all__ = [
    "HEALTH_RECOMPUTE_REQUESTED",
    "ROLE_RANK",
    "Category",
    "Community",
    "Membership",
    "TaggedCommunity",
    "as_viewer",
    "can_read_community_content",
    "can_view_community",
    "canvas_completed_community_ids",
    "certificates_for",
    "community_get_for_viewer",
    "community_ids_where",
    "coordinates_everything",
    "coordinator_reach",
    "health_for_communities",
    "is_coordinator",
    "levels_for",
    "managed_communities_for_users",
    "manager_appointed",
    "manager_since_for_users",
    "register_qualification_source",
    "role_map",
    "visible_communities",
]
