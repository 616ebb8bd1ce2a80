"""Access rules of lifecycle work: handovers, lifecycle campaigns, merges, restores, coordinator notes.

Query-free predicates over the viewer's cached maps (see :mod:`communities.core.permissions`); every
coordinator rule goes through :func:`is_coordinator`, so a scoped coordinator is limited to their
:class:`CoordinatorScope` everywhere. The console shows these actions; the rules live here, with the
services that enforce them.
"""

from __future__ import annotations

from django.db.models import Model

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import _active_rank, is_coordinator
from communities.lifecycle.models import CampaignCase
from intranet.core.viewer import Viewer

Role = Membership.Role


def can_hand_over_community(viewer: Viewer, community: Community) -> bool:
    """Hand ownership to someone else: coordinators of the community, and its active owners
    (the leaving owner hands over before going)."""
    if not viewer.is_authenticated:
        return False
    return is_coordinator(viewer, community) or _active_rank(viewer, community) >= ROLE_RANK[Role.OWNER]


def can_start_campaign(viewer: Viewer) -> bool:
    """Start a lifecycle campaign (it reaches only the communities within the coordinator's scope)."""
    return is_coordinator(viewer)


def can_answer_campaign_case(viewer: Viewer, case: CampaignCase) -> bool:
    """Answer the lifecycle question: the community's active owners and its coordinators, while open."""
    if not viewer.is_authenticated or case.closed_at is not None:
        return False
    community = case.community
    return is_coordinator(viewer, community) or _active_rank(viewer, community) >= ROLE_RANK[Role.OWNER]


def can_merge_communities(viewer: Viewer, source: Community, target: Community) -> bool:
    """Merge ``source`` into ``target``: coordinators of both, never a community into itself,
    never into an archived community."""
    return (
        source.pk != target.pk
        and not target.is_archived
        and is_coordinator(viewer, source)
        and is_coordinator(viewer, target)
    )


def can_start_merge(viewer: Viewer, source: Community) -> bool:
    """Look for a community to merge ``source`` into: its coordinators, while it is active."""
    return not source.is_archived and is_coordinator(viewer, source)


def can_unmerge(viewer: Viewer, source: Community, target: Community) -> bool:
    """Undo a merge: coordinators of both communities."""
    return is_coordinator(viewer, source) and is_coordinator(viewer, target)


def can_restore_community(viewer: Viewer, community: Community) -> bool:
    """Unarchive a community from the console: its coordinators."""
    return community.is_archived and is_coordinator(viewer, community)


def can_view_coordinator_notes(viewer: Viewer) -> bool:
    """Read and write the private notes on community managers: coordinators only, never the manager."""
    return is_coordinator(viewer)


def can_write_coordinator_note(viewer: Viewer, manager: Model) -> bool:
    return is_coordinator(viewer) and viewer.user_id != manager.pk
