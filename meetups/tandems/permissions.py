"""Access rules of inspiration tandems (query-free predicates) and the twin of "who sees a tandem".

They read only the objects' fields and the viewer's cached maps from communities
(:mod:`communities.api`: role map, coordinator reach), so a list can ask them per row for free.

* Tandem suggestions of a community are for its owners and managers and the coordinators who cover
  it; the other community of a suggestion must be visible to the viewer (secret ones stay hidden).
* Each side's owners or managers accept or decline for their side; either side's managers log
  meetings, write and share the learnings, close or leave; coordinators propose and withdraw.
* Partner communities (outside the platform) are entered by coordinators and people who run a
  community.
* Shared learnings are readable by the active members of both communities.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.api import (
    ROLE_RANK,
    Community,
    Membership,
    can_view_community,
    community_ids_where,
    coordinator_reach,
    is_coordinator,
    role_map,
)
from intranet.core.viewer import Viewer
from meetups.network.permissions import runs_a_community

from .models import Tandem

_Role = Membership.Role
_State = Membership.State
MANAGER_RANK = ROLE_RANK[_Role.MANAGER]


def _rank(viewer: Viewer, community_id: int | None) -> int:
    if community_id is None or not viewer.is_authenticated:
        return 0
    entry = role_map(viewer).get(community_id)
    if entry is None or entry[1] != _State.ACTIVE:
        return 0
    return ROLE_RANK[entry[0]]


def can_enter_partner_community(viewer: Viewer) -> bool:
    return is_coordinator(viewer) or runs_a_community(viewer)


def manages(viewer: Viewer, community: Community) -> bool:
    """Active owner or manager of ``community`` (not archived: it cannot start anything new)."""
    return _rank(viewer, community.pk) >= MANAGER_RANK


def can_view_tandem_suggestions(viewer: Viewer, community: Community) -> bool:
    if community.is_archived or not can_view_community(viewer, community):
        return False
    return manages(viewer, community) or is_coordinator(viewer, community)


def can_see_suggested_community(viewer: Viewer, other: Community) -> bool:
    """A suggested partner is shown only if the viewer may see it at all."""
    return can_view_community(viewer, other) and not other.is_archived


def can_propose_tandem(viewer: Viewer, community: Community, other: Community | None) -> bool:
    """Propose a tandem of ``community`` with ``other`` (``None`` for a partner community).

    Managers of ``community`` and coordinators covering it; both communities active and visible to
    the proposer. A secret community takes part only on its own managers' proposal: a proposal
    shows it to the other side's managers.
    """
    if not can_view_tandem_suggestions(viewer, community):
        return False
    if community.visibility == Community.Visibility.SECRET and not manages(viewer, community):
        return False
    if other is None:
        return True
    if other.pk == community.pk or not can_see_suggested_community(viewer, other):
        return False
    return other.visibility != Community.Visibility.SECRET or manages(viewer, other)


def can_propose_tandems_in_bulk(viewer: Viewer) -> bool:
    return is_coordinator(viewer)


def _side_ids(tandem: Tandem) -> list[int]:
    return [cid for cid in (tandem.community_id, tandem.other_community_id) if cid is not None]


def manages_a_side(viewer: Viewer, tandem: Tandem) -> bool:
    return any(_rank(viewer, cid) >= MANAGER_RANK for cid in _side_ids(tandem))


def coordinates_a_side(viewer: Viewer, tandem: Tandem) -> bool:
    reach = coordinator_reach(viewer)
    if reach is None:
        return False
    sides = [tandem.community] + ([tandem.other_community] if tandem.other_community is not None else [])
    return any(reach.covers(side) for side in sides)


def can_view_tandem(viewer: Viewer, tandem: Tandem) -> bool:
    """The whole tandem (proposal, meetings and notes): either side's managers and coordinators of
    either side; members of either side once the learnings are shared (they see those only)."""
    return (
        manages_a_side(viewer, tandem)
        or coordinates_a_side(viewer, tandem)
        or can_read_tandem_learnings(viewer, tandem)
    )


def can_view_tandem_workings(viewer: Viewer, tandem: Tandem) -> bool:
    """Meetings, notes and draft learnings: managers of either side and coordinators."""
    return manages_a_side(viewer, tandem) or coordinates_a_side(viewer, tandem)


def can_read_tandem_learnings(viewer: Viewer, tandem: Tandem) -> bool:
    if tandem.learnings_shared_at is None:
        return False
    return any(_rank(viewer, cid) > 0 for cid in _side_ids(tandem)) or coordinates_a_side(viewer, tandem)


def pending_side(viewer: Viewer, tandem: Tandem) -> str | None:
    """``"a"`` or ``"b"``: the side whose acceptance the viewer may still give, or ``None``."""
    if tandem.state != Tandem.State.PROPOSED:
        return None
    if tandem.accepted_a_at is None and _rank(viewer, tandem.community_id) >= MANAGER_RANK:
        return "a"
    if (
        tandem.other_community_id is not None
        and tandem.accepted_b_at is None
        and _rank(viewer, tandem.other_community_id) >= MANAGER_RANK
    ):
        return "b"
    return None


def can_accept_tandem(viewer: Viewer, tandem: Tandem) -> bool:
    return pending_side(viewer, tandem) is not None


def can_decline_tandem(viewer: Viewer, tandem: Tandem) -> bool:
    return tandem.state == Tandem.State.PROPOSED and manages_a_side(viewer, tandem)


def can_withdraw_tandem(viewer: Viewer, tandem: Tandem) -> bool:
    """The proposer or a coordinator pulls a proposal back; a side's manager leaves an active tandem."""
    if tandem.state == Tandem.State.PROPOSED:
        return (tandem.proposed_by_id == viewer.user_id and viewer.user_id is not None) or coordinates_a_side(
            viewer, tandem
        )
    if tandem.state == Tandem.State.ACTIVE:
        return manages_a_side(viewer, tandem) or coordinates_a_side(viewer, tandem)
    return False


def can_log_tandem_meeting(viewer: Viewer, tandem: Tandem) -> bool:
    return tandem.state == Tandem.State.ACTIVE and manages_a_side(viewer, tandem)


def can_write_tandem_learnings(viewer: Viewer, tandem: Tandem) -> bool:
    return tandem.state in (Tandem.State.ACTIVE, Tandem.State.CLOSED) and manages_a_side(viewer, tandem)


def can_close_tandem(viewer: Viewer, tandem: Tandem) -> bool:
    return tandem.state == Tandem.State.ACTIVE and manages_a_side(viewer, tandem)


def visible_tandems(viewer: Viewer, qs: QuerySet[Tandem] | None = None) -> QuerySet[Tandem]:
    """Twin of :func:`can_view_tandem`."""
    qs = Tandem.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:
        return qs
    managed = community_ids_where(viewer, min_role=_Role.MANAGER)
    member = community_ids_where(viewer)
    condition = (
        Q(community_id__in=managed)
        | Q(other_community_id__in=managed)
        | (Q(learnings_shared_at__isnull=False) & (Q(community_id__in=member) | Q(other_community_id__in=member)))
    )
    if reach is not None:
        condition |= reach.q("community") | reach.q("other_community")
        # Coordinators read shared learnings of the sides they cover; already in the two terms above.
    return qs.filter(condition)
