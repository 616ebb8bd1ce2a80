"""Who manages which webhook subscriptions: query-free predicates and their queryset twin.

* Platform subscriptions: coordinators create them; each sees and manages their own, coordinators
  of everything (and staff) every one. A platform subscription receives the events of the
  communities its creator may read, checked again for every event.
* Community subscriptions: the community's active owners and the coordinators of the community.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.api import Community, community_ids_where, coordinates_everything, coordinator_reach, is_coordinator
from communities.api import role_map as community_roles
from intranet.core.viewer import Viewer

from .models import Subscription

OWNER = "owner"
ACTIVE = "active"


def can_manage_platform_webhooks(viewer: Viewer) -> bool:
    """Open the platform list and create platform subscriptions: coordinators."""
    return is_coordinator(viewer)


def can_manage_community_webhooks(viewer: Viewer, community: Community) -> bool:
    """Manage ``community``'s subscriptions: its active owners and its coordinators."""
    if not viewer.is_authenticated:
        return False
    return community_roles(viewer).get(community.pk) == (OWNER, ACTIVE) or is_coordinator(viewer, community)


def can_manage_subscription(viewer: Viewer, subscription: Subscription) -> bool:
    """See, edit, test and delete one subscription (its community must be loaded). Twin:
    :func:`visible_subscriptions`."""
    if subscription.community_id is None:
        if not is_coordinator(viewer):
            return False
        return subscription.created_by_id == viewer.user_id or coordinates_everything(viewer)
    assert subscription.community is not None
    return can_manage_community_webhooks(viewer, subscription.community)


def visible_subscriptions(viewer: Viewer, qs: QuerySet[Subscription] | None = None) -> QuerySet[Subscription]:
    """Twin of :func:`can_manage_subscription`."""
    qs = Subscription.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    owned = Q(community_id__in=community_ids_where(viewer, min_role=OWNER))
    reach = coordinator_reach(viewer)
    if reach is None:
        return qs.filter(owned)
    if reach.everything:
        return qs
    platform = Q(community__isnull=True, created_by_id=viewer.user_id)
    coordinated = Q(community__isnull=False) & reach.q("community")
    return qs.filter(owned | platform | coordinated)
