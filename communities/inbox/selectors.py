"""Reads of the managers' inbox: the list with filters and counters, one item with its notes, the
people an item can be assigned to, saved replies for a community, the tonality of a community.

Query shapes are fixed: the list costs the viewer's maps plus three queries (items, counters,
communities for the filter) whatever the number of items and communities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.core.models import Community, Membership
from communities.core.permissions import community_ids_where
from communities.inbox.hooks import DECIDING_ROLES, WORKING_ROLES
from communities.inbox.models import InboxItem, InboxNote, SavedReply
from communities.inbox.permissions import can_edit_saved_reply, can_view_inbox_item, inbox_items_for_viewer
from communities.moderation.models import CommunityRules
from intranet.accounts.selectors import MAX_QUERY_LENGTH, PICKER_LIMIT, name_matches, name_search
from intranet.accounts.text import query_forms
from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

Kind = InboxItem.Kind
Status = InboxItem.Status
Role = Membership.Role

INBOX_PAGE_SIZE = 25

STATUS_FILTERS = ("open", "new", "claimed", "waiting", "snoozed", "escalated", "done", "all")
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-opened_at", "-id"),
    "oldest": ("opened_at", "id"),
    "due": ("first_response_due_at", "id"),
}


@dataclass(frozen=True)
class InboxFilters:
    community: int | None = None
    kind: str = ""
    status: str = "open"
    assignee: str = ""  # "" anyone, "me", "none", or a user id
    sort: str = "newest"

    def as_params(self) -> dict[str, str]:
        params = {
            "community": str(self.community or ""),
            "kind": self.kind,
            "status": "" if self.status == "open" else self.status,
            "assignee": self.assignee,
            "sort": "" if self.sort == "newest" else self.sort,
        }
        return {key: value for key, value in params.items() if value}


@dataclass
class InboxCounters:
    open: int = 0
    new: int = 0
    mine: int = 0
    overdue: int = 0
    snoozed: int = 0
    escalated: int = 0


@dataclass
class InboxPage:
    page: Page[InboxItem]
    counters: InboxCounters
    communities: list[Community] = field(default_factory=list)


def _not_snoozed(now: dt.datetime) -> Q:
    return Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now)


def _status_q(status: str, now: dt.datetime) -> Q:
    open_q = ~Q(status=Status.DONE)
    if status == "open":
        return open_q & _not_snoozed(now)
    if status in (Status.NEW, Status.CLAIMED, Status.WAITING):
        return Q(status=status) & _not_snoozed(now)
    if status == "snoozed":
        return open_q & Q(snoozed_until__gt=now)
    if status == "escalated":
        return open_q & Q(escalated_at__isnull=False)
    if status == Status.DONE:
        return Q(status=Status.DONE)
    return Q()


def _assignee_q(viewer: Viewer, assignee: str) -> Q:
    if assignee == "me":
        return Q(assignee_id=viewer.user_id)
    if assignee == "none":
        return Q(assignee__isnull=True)
    if assignee.isdigit():
        return Q(assignee_id=int(assignee))
    return Q()


def inbox_list_queryset(viewer: Viewer, filters: InboxFilters, now: dt.datetime) -> QuerySet[InboxItem]:
    qs = inbox_items_for_viewer(viewer).filter(_status_q(filters.status, now), _assignee_q(viewer, filters.assignee))
    if filters.community:
        qs = qs.filter(community_id=filters.community)
    if filters.kind in Kind.values:
        qs = qs.filter(kind=filters.kind)
    return qs


def inbox_counters_for_viewer(viewer: Viewer, *, now: dt.datetime | None = None) -> InboxCounters:
    """The viewer's open, new, own, overdue, snoozed and escalated counts (one query)."""
    now = now or timezone.now()
    awake = _not_snoozed(now)
    row = (
        inbox_items_for_viewer(viewer)
        .exclude(status=Status.DONE)
        .aggregate(
            open=Count("pk", filter=awake),
            new=Count("pk", filter=awake & Q(status=Status.NEW)),
            mine=Count("pk", filter=awake & Q(assignee_id=viewer.user_id)),
            overdue=Count("pk", filter=Q(first_response_at__isnull=True, first_response_due_at__lt=now)),
            snoozed=Count("pk", filter=Q(snoozed_until__gt=now)),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
        )
    )
    return InboxCounters(**row)


def inbox_communities_for_viewer(viewer: Viewer) -> list[Community]:
    """The communities whose inbox the viewer works through a role, for the filter (one query)."""
    ids = community_ids_where(viewer, min_role=Role.MODERATOR)
    if not ids:
        return []
    return list(Community.objects.filter(pk__in=ids).only("pk", "name", "slug").order_by("name", "pk"))


def inbox_page_for_viewer(
    viewer: Viewer,
    *,
    filters: InboxFilters,
    cursor: str | None = None,
    now: dt.datetime | None = None,
    page_size: int = INBOX_PAGE_SIZE,
) -> InboxPage:
    """One keyset page of the viewer's inbox with the counters and the communities for the filter.

    Raises ``InvalidCursor`` for a cursor that does not fit (answered 400 by the kernel middleware).
    """
    now = now or timezone.now()
    qs = (
        inbox_list_queryset(viewer, filters, now)
        .select_related("community", "assignee", "member")
        .only(
            *(f.name for f in InboxItem._meta.concrete_fields),
            "community__name",
            "community__slug",
            "assignee__display_name",
            "member__display_name",
        )
    )
    page = keyset_page(qs, ordering=SORTS.get(filters.sort, SORTS["newest"]), cursor=cursor, page_size=page_size)
    return InboxPage(
        page=page,
        counters=inbox_counters_for_viewer(viewer, now=now),
        communities=inbox_communities_for_viewer(viewer),
    )


# One item ---------------------------------------------------------------------------------------


def inbox_item_get_for_viewer(viewer: Viewer, pk: int) -> InboxItem:
    """The item if the viewer may open it; ``Http404`` for missing and forbidden alike (one query)."""
    item = (
        InboxItem.objects.select_related(
            "community",
            "community__rules",
            "post",
            "post__author",
            "comment",
            "comment__author",
            "membership",
            "report",
            "member",
            "assignee",
            "escalated_by",
            "resolved_by",
        )
        .defer("community__search_vector", "post__search_vector")
        .filter(pk=pk)
        .first()
    )
    if item is None or not can_view_inbox_item(viewer, item):
        raise Http404
    return item


def inbox_notes_for_item(item: InboxItem) -> list[InboxNote]:
    return list(InboxNote.objects.filter(item=item).select_related("author").order_by("created_at", "id"))


# Tonality and saved replies ------------------------------------------------------------------------


def tonality_of(community: Community) -> str:
    """The community's tonality ("du" or "sie"): from its rules, "du" without a rules row.

    Free when ``community`` came with ``select_related("rules")``; one query otherwise.
    """
    try:
        rules = community.rules
    except CommunityRules.DoesNotExist:
        return str(CommunityRules.Tonality.DU)
    return str(rules.tonality) if rules is not None else str(CommunityRules.Tonality.DU)


def saved_replies_for(viewer: Viewer, community: Community | None) -> list[SavedReply]:
    """The community's saved replies, then the viewer's own, by title (one query)."""
    if viewer.user_id is None:
        return []
    where = Q(owner_id=viewer.user_id)
    if community is not None:
        where |= Q(community=community)
    replies = list(SavedReply.objects.filter(where).order_by("title", "id"))
    replies.sort(key=lambda r: (r.owner_id is not None, r.title.lower(), r.pk))
    return replies


def saved_replies_to_manage(viewer: Viewer) -> list[SavedReply]:
    """The viewer's own replies and those of communities they manage (one query)."""
    if viewer.user_id is None:
        return []
    managed = community_ids_where(viewer, min_role=Role.MANAGER)
    replies = SavedReply.objects.filter(Q(owner_id=viewer.user_id) | Q(community_id__in=managed))
    return list(replies.select_related("community").order_by("community__name", "title", "id"))


def saved_reply_get_for_viewer(viewer: Viewer, pk: int) -> SavedReply:
    reply = SavedReply.objects.select_related("community").filter(pk=pk).first()
    if reply is None or not can_edit_saved_reply(viewer, reply):
        raise Http404
    return reply


def _assignable_queryset(item: InboxItem) -> QuerySet[User]:
    """Co-managers who may get the item: the community's active moderators and above (managers and
    owners for join requests), active accounts only."""
    roles = DECIDING_ROLES if item.kind == Kind.JOIN_REQUEST else WORKING_ROLES
    members = Membership.objects.filter(community_id=item.community_id, state=Membership.State.ACTIVE, role__in=roles)
    return get_user_model().objects.filter(is_active=True, pk__in=members.values("user_id"))


def assignable_people_for_picker(*, item: InboxItem, query: str, limit: int = PICKER_LIMIT) -> list[User]:
    """Up to ``limit`` of the people who may be given ``item`` whose name (or handle, from its start) matches
    ``query``, best first, with their profile: the options of the inbox's assignee picker. Typo- and
    umlaut-tolerant like the people directory (the same name search). Two queries whatever the
    number of candidates (the search's settings, the people); none for a blank query.
    """
    forms = query_forms(query.strip().lstrip("@")[:MAX_QUERY_LENGTH])
    if not forms:
        return []
    qs = _assignable_queryset(item).select_related("profile")
    with name_search():
        ranked = name_matches(qs, forms, handles="prefix").order_by("-similarity", "search_name", "id")
        return list(ranked[:limit])


def assignee_get(token: str | int) -> User:
    """The active person an item is being assigned to, named by handle or e-mail address (what the
    person picker sends) or by id (one query); ``ValidationError`` when there is none. The assign
    service checks that they may work the item."""
    text = str(token).strip().lstrip("@").lower()
    match = Q(handle=text) | Q(email=text)
    if text.isdigit():
        match |= Q(pk=int(text))
    person = get_user_model().objects.filter(match, is_active=True).first() if text else None
    if person is None:
        raise ValidationError(_("Choose one of the offered people."))
    return person


def reply_community_choices(viewer: Viewer) -> list[tuple[int, str]]:
    """``(id, name)`` of the communities the viewer manages, by name: where they may keep community
    saved replies from the saved-replies page (one query)."""
    ids = community_ids_where(viewer, min_role=Role.MANAGER)
    return list(Community.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def reply_community_get(pk: int) -> Community:
    """The community a new saved reply is for (one query); ``Http404`` if it does not exist. The
    service checks that the viewer may keep its replies."""
    community = Community.objects.filter(pk=pk).first()
    if community is None:
        raise Http404
    return community
