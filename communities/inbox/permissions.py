"""Access rules of the managers' inbox and saved replies: query-free predicates and their twins.

Decisions:

* a community's items are worked by its active moderators, managers and owners; join requests only
  by managers and owners (they decide on members); a personal item (a mention) only by the person
  mentioned;
* coordinators may open and work every item of the communities in their scope
  (:func:`communities.core.permissions.is_coordinator` decides the scope); their inbox lists the
  escalated ones; platform staff coordinate everything;
* internal notes are visible to exactly the people who may open the item;
* community saved replies are used by the community's moderators and above and kept by its managers
  (and coordinators); personal saved replies belong to their owner alone.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.core.models import ROLE_RANK, Community, Membership
from communities.core.permissions import (
    can_change_community_settings,
    community_ids_where,
    coordinator_reach,
    is_coordinator,
    role_map,
)
from communities.inbox.models import InboxItem, SavedReply
from intranet.core.viewer import Viewer

Role = Membership.Role
State = Membership.State
Kind = InboxItem.Kind


def _rank(viewer: Viewer, community_id: int) -> int:
    if not viewer.is_authenticated:
        return 0
    entry = role_map(viewer).get(community_id)
    if entry is None or entry[1] != State.ACTIVE:
        return 0
    return ROLE_RANK[entry[0]]


def _needed(kind: str) -> int:
    return ROLE_RANK[Role.MANAGER] if kind == Kind.JOIN_REQUEST else ROLE_RANK[Role.MODERATOR]


def works_inbox(viewer: Viewer) -> bool:
    """Whether the viewer has an inbox at all: moderator or above somewhere, or a coordinator."""
    if not viewer.is_authenticated:
        return False
    return bool(community_ids_where(viewer, min_role=Role.MODERATOR)) or is_coordinator(viewer)


def can_view_inbox_item(viewer: Viewer, item: InboxItem) -> bool:
    """Open an item, read and write its notes (``item.community`` must be loaded)."""
    if not viewer.is_authenticated:
        return False
    if item.for_user_id is not None:
        return item.for_user_id == viewer.user_id
    if _rank(viewer, item.community_id) >= _needed(item.kind):
        return True
    return is_coordinator(viewer, item.community)


def can_work_inbox_item(viewer: Viewer, item: InboxItem) -> bool:
    """Claim, assign, snooze, resolve or escalate: whoever may open it, while it is open."""
    return item.is_open and can_view_inbox_item(viewer, item)


def can_escalate_inbox_item(viewer: Viewer, item: InboxItem) -> bool:
    return can_work_inbox_item(viewer, item) and item.escalated_at is None and item.for_user_id is None


def can_be_assigned(assignee: Viewer, item: InboxItem) -> bool:
    """Whether ``assignee`` (a co-manager, or a coordinator in scope) may get the item."""
    return can_work_inbox_item(assignee, item)


def can_change_inbox_settings(viewer: Viewer, community: Community) -> bool:
    return can_change_community_settings(viewer, community)


# Saved replies ----------------------------------------------------------------------------------


def can_use_saved_replies(viewer: Viewer, community: Community) -> bool:
    """Insert saved replies when writing in ``community``: its moderators and above, coordinators."""
    return _rank(viewer, community.pk) >= ROLE_RANK[Role.MODERATOR] or is_coordinator(viewer, community)


def can_keep_personal_replies(viewer: Viewer) -> bool:
    return works_inbox(viewer)


def can_manage_community_replies(viewer: Viewer, community: Community) -> bool:
    return _rank(viewer, community.pk) >= ROLE_RANK[Role.MANAGER] or is_coordinator(viewer, community)


def can_edit_saved_reply(viewer: Viewer, reply: SavedReply) -> bool:
    """Change or delete a saved reply (``reply.community`` must be loaded for community replies)."""
    if not viewer.is_authenticated:
        return False
    if reply.owner_id is not None:
        return reply.owner_id == viewer.user_id
    return reply.community is not None and can_manage_community_replies(viewer, reply.community)


# Queryset twins ---------------------------------------------------------------------------------


def _coordinated_q(viewer: Viewer) -> Q | None:
    """The items of communities the viewer coordinates, as a filter (``None``: none at all)."""
    reach = coordinator_reach(viewer)
    if reach is None:
        return None
    if reach.everything:
        # Not ``Q()``: an empty Q vanishes when OR-ed, and "everything" would become "nothing".
        return Q(community_id__isnull=False)
    return reach.q("community")


def _worked_q(viewer: Viewer) -> Q:
    """Items of communities where the viewer works the inbox through a role."""
    moderated = community_ids_where(viewer, min_role=Role.MODERATOR)
    managed = community_ids_where(viewer, min_role=Role.MANAGER)
    return (Q(community_id__in=moderated) & ~Q(kind=Kind.JOIN_REQUEST)) | Q(
        community_id__in=managed, kind=Kind.JOIN_REQUEST
    )


def visible_inbox_items(viewer: Viewer, qs: QuerySet[InboxItem] | None = None) -> QuerySet[InboxItem]:
    """Twin of :func:`can_view_inbox_item`."""
    qs = InboxItem.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    shared = _worked_q(viewer)
    coordinated = _coordinated_q(viewer)
    if coordinated is not None:
        shared |= coordinated
    return qs.filter((Q(for_user__isnull=True) & shared) | Q(for_user_id=viewer.user_id))


def inbox_items_for_viewer(viewer: Viewer, qs: QuerySet[InboxItem] | None = None) -> QuerySet[InboxItem]:
    """What the viewer's inbox lists: the items of their own communities, their mentions and, for
    coordinators, the escalated items of their scope."""
    qs = InboxItem.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    shared = _worked_q(viewer)
    coordinated = _coordinated_q(viewer)
    if coordinated is not None:
        shared |= Q(escalated_at__isnull=False) & coordinated
    return qs.filter((Q(for_user__isnull=True) & shared) | Q(for_user_id=viewer.user_id))
