"""Reads of the communities app for screens; writes live in ``communities.core.services``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.core.models import Category, Community, MemberMute, Membership
from communities.core.permissions import (
    community_ids_where,
    is_coordinator,
    muted_until,
    role_map,
    visible_communities,
)
from intranet.accounts.permissions import visible_users
from intranet.accounts.text import normalise_query
from intranet.core.errors import ExplainedPermissionDenied
from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User


def community_get_for_viewer(viewer: Viewer, slug: str) -> Community:
    """The community at ``slug`` if the viewer may see it; ``Http404`` for missing and hidden alike.

    One lookup filtered by :func:`visible_communities` (after the viewer's cached maps), so a secret
    community's slug costs exactly the queries of a missing one: its 404 takes no longer.
    """
    qs = Community.objects.select_related("category", "merged_into")
    community = visible_communities(viewer, qs).filter(slug=slug).first()
    if community is None:
        raise Http404
    return community


def membership_for_viewer(viewer: Viewer, community: Community) -> Membership | None:
    """The viewer's own membership row in ``community`` (any state), or ``None``.

    Costs no query when the cached role map shows there is no row.
    """
    if viewer.user_id is None or community.pk not in role_map(viewer):
        return None
    membership = Membership.objects.filter(community=community, user_id=viewer.user_id).first()
    if membership is not None:
        membership.community = community
    return membership


def taking_part_refusal(viewer: Viewer, community: Community) -> PermissionDenied:
    """Why the viewer may not post or comment in ``community``, for views to raise.

    A muted member is told until when and why (the mute's end and the moderator's reason: the
    same they were notified of), at one query for the reason; anyone else gets the plain refusal.
    """
    until = muted_until(viewer, community)
    if until is None or viewer.user_id is None:
        return PermissionDenied()
    reason = (
        MemberMute.objects.filter(community=community, user_id=viewer.user_id).values_list("reason", flat=True).first()
    )
    params = {
        "community": community.name,
        "until": formats.date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT"),
        "reason": reason or "",
    }
    if reason:
        message = gettext(
            "A moderator muted you in “%(community)s” until %(until)s. Until then you can read and react, but "
            "not post or comment. The moderator's reason: %(reason)s"
        )
    else:
        message = gettext(
            "A moderator muted you in “%(community)s” until %(until)s. Until then you can read and react, but "
            "not post or comment."
        )
    return ExplainedPermissionDenied(
        message % params,
        title=gettext("You are muted in this community"),
        next_url=reverse("communities:community_detail", kwargs={"slug": community.slug}),
        next_label=gettext("Back to the community"),
    )


# Directory --------------------------------------------------------------------------------------

DIRECTORY_PAGE_SIZE = 24
MEMBER_PAGE_SIZE = 30
#: Requests, invitations and bans shown to managers on the members page (oldest first).
MANAGER_QUEUE_LIMIT = 100
MAX_QUERY_LENGTH = 100


class DirectorySort(models.TextChoices):
    ACTIVITY = "activity", _("Recent activity")
    MEMBERS = "members", _("Most members")
    NEWEST = "newest", _("Newest")
    NAME = "name", _("Name")


#: Each sort is a keyset ordering ending in the primary key, backed by an index on ``Community``.
DIRECTORY_ORDERINGS: dict[str, tuple[str, ...]] = {
    DirectorySort.ACTIVITY: ("-last_activity_at", "-id"),
    DirectorySort.MEMBERS: ("-member_count", "-id"),
    DirectorySort.NEWEST: ("-created_at", "-id"),
    DirectorySort.NAME: ("name", "id"),
}


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""
    category: str = ""  # category slug
    language: str = ""
    official: bool = False
    mine: bool = False
    visibility: str = ""
    sort: str = DirectorySort.ACTIVITY


def listed_communities(viewer: Viewer, qs: QuerySet[Community] | None = None) -> QuerySet[Community]:
    """What the directory lists: :func:`visible_communities`, minus archived communities unless the
    viewer is an active member there (coordinators see them all).

    Archived communities stay reachable at their address for everyone who may view them; they just
    stop cluttering the directory of people who never belonged to them.
    """
    qs = visible_communities(viewer, qs)
    if is_coordinator(viewer):
        return qs
    return qs.filter(Q(lifecycle=Community.Lifecycle.ACTIVE) | Q(pk__in=community_ids_where(viewer)))


def community_list_for_directory(
    *,
    viewer: Viewer,
    filters: DirectoryFilters,
    cursor: str | None = None,
    page_size: int = DIRECTORY_PAGE_SIZE,
) -> Page[Community]:
    """One keyset page of the community directory, each row with ``viewer_state`` (the viewer's
    membership state there or ``""``) taken from the cached role map.

    One query for the page (category joined), plus the role map and the coordinator check if not
    cached yet. Raises ``InvalidCursor`` for a cursor of another list.

    A search term narrows the list; it does not reorder it. Ordering by ``ts_rank`` would have to
    rank every match before the first row can be returned (a common term matches thousands of
    communities) and cannot be keyset-paginated on an index, so the matches are sorted by the chosen
    sort key like any other filter and paged by keyset. The match runs as ``pk IN (search)``, which
    also keeps the search's ``rank`` annotation (and its cost) out of the page query.
    """
    qs = listed_communities(viewer, Community.objects.select_related("category"))
    term = " ".join(filters.query.split())[:MAX_QUERY_LENGTH]
    if term:
        qs = qs.filter(pk__in=Community.objects.search(term).values("pk"))
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.official:
        qs = qs.filter(is_official=True)
    if filters.mine:
        qs = qs.filter(pk__in=community_ids_where(viewer))
    if filters.visibility:
        qs = qs.filter(visibility=filters.visibility)
    ordering = DIRECTORY_ORDERINGS.get(filters.sort, DIRECTORY_ORDERINGS[DirectorySort.ACTIVITY])
    page = keyset_page(qs, ordering=ordering, cursor=cursor, page_size=page_size)
    roles = role_map(viewer)
    for community in page.items:
        community.viewer_state = roles.get(community.pk, ("", ""))[1]  # type: ignore[attr-defined]
    return page


def category_list_for_directory() -> list[Category]:
    """All categories for the directory's filter and the community form (one query)."""
    return list(Category.objects.all())


# Community page ---------------------------------------------------------------------------------

MANAGER_LIST_LIMIT = 12


def manager_list_for_community(*, community: Community) -> list[Membership]:
    """Owners then managers of ``community`` (active), with their person and profile (one query)."""
    rows = (
        Membership.objects.filter(
            community=community,
            state=Membership.State.ACTIVE,
            role__in=[Membership.Role.OWNER, Membership.Role.MANAGER],
        )
        .select_related("user__profile")
        .annotate(role_rank=_role_rank())
        .order_by("role_rank", "user__search_name", "id")[:MANAGER_LIST_LIMIT]
    )
    return list(rows)


# Members page -----------------------------------------------------------------------------------


def _role_rank() -> Case:
    """Owners first, then managers, moderators and members (for grouping by role)."""
    order = [Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.MODERATOR, Membership.Role.MEMBER]
    return Case(
        *[When(role=role, then=Value(position)) for position, role in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def member_list_for_community(
    *,
    community: Community,
    query: str = "",
    cursor: str | None = None,
    page_size: int = MEMBER_PAGE_SIZE,
) -> Page[Membership]:
    """One keyset page of the active members of ``community``, grouped by role (owners, managers,
    moderators, members) and by name within a role; ``query`` narrows by name (accent- and
    case-insensitive substring of the normalised ``search_name``). One query; the caller has
    checked that the viewer may see the community. Raises ``InvalidCursor`` for a foreign cursor.
    """
    qs = (
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE)
        .select_related("user__profile")
        .annotate(role_rank=_role_rank(), member_name=F("user__search_name"))
    )
    term = normalise_query(" ".join(query.split())[:MAX_QUERY_LENGTH])
    if term:
        qs = qs.filter(user__search_name__contains=term)
    page: Page[Membership] = keyset_page(
        qs, ordering=("role_rank", "member_name", "id"), cursor=cursor, page_size=page_size
    )
    for membership in page.items:
        membership.community = community
    return page


@dataclass
class MembershipQueues:
    """Rows managers act on besides the members: open requests, invitations and bans."""

    pending: list[Membership] = field(default_factory=list)
    invited: list[Membership] = field(default_factory=list)
    banned: list[Membership] = field(default_factory=list)
    truncated: bool = False


def membership_queues_for_community(*, community: Community, limit: int = MANAGER_QUEUE_LIMIT) -> MembershipQueues:
    """Pending requests, open invitations and bans of ``community``, oldest first, at most
    ``limit`` rows in all (one query). Only for viewers who may manage members."""
    rows = list(
        Membership.objects.filter(
            community=community,
            state__in=[Membership.State.PENDING, Membership.State.INVITED, Membership.State.BANNED],
        )
        .select_related("user__profile")
        .order_by("created_at", "id")[: limit + 1]
    )
    queues = MembershipQueues(truncated=len(rows) > limit)
    groups = {
        Membership.State.PENDING: queues.pending,
        Membership.State.INVITED: queues.invited,
        Membership.State.BANNED: queues.banned,
    }
    for membership in rows[:limit]:
        membership.community = community
        groups[Membership.State(membership.state)].append(membership)
    return queues


def membership_get_for_community(*, community: Community, membership_id: int) -> Membership:
    """A membership row of ``community`` with its person, for the manager actions; ``Http404`` if
    it is not there (ids of other communities included). The caller has checked visibility."""
    membership = Membership.objects.select_related("user").filter(community=community, pk=membership_id).first()
    if membership is None:
        raise Http404
    membership.community = community
    return membership


def invitee_get_for_viewer(*, viewer: Viewer, identifier: str) -> User | None:
    """The active person with this handle or e-mail address (case-insensitive), or ``None``."""
    identifier = identifier.strip().lstrip("@")
    if not identifier:
        return None
    people = visible_users(viewer, get_user_model().objects.all())
    lookup = Q(email__iexact=identifier) if "@" in identifier else Q(handle__iexact=identifier)
    return people.filter(lookup).first()


# Managers of many people at once (the managers' network) ----------------------------------------


def managed_communities_for_users(user_ids: list[int], *, visible_to: Viewer) -> dict[int, list[Community]]:
    """``{user_id: [community, ...]}``: the active communities each person runs (owner or manager,
    active membership) that ``visible_to`` may see, largest first, each with ``run_role`` and its
    category loaded. One query (plus the viewer's role map when not cached)."""
    result: dict[int, list[Community]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return result
    rows = (
        Membership.objects.filter(
            user_id__in=user_ids,
            state=Membership.State.ACTIVE,
            role__in=[Membership.Role.OWNER, Membership.Role.MANAGER],
            community__in=visible_communities(
                visible_to, Community.objects.filter(lifecycle=Community.Lifecycle.ACTIVE)
            ),
        )
        .select_related("community__category")
        .order_by("user_id", "-community__member_count", "community__name", "community_id")
    )
    for membership in rows:
        community = membership.community
        community.run_role = membership.role  # type: ignore[attr-defined]
        result[membership.user_id].append(community)
    return result


def manager_since_for_users(user_ids: list[int]) -> dict[int, dt.datetime]:
    """When each person's oldest active owner or manager membership began (one query).

    People who run no community are missing from the map. Used by the training levels ("months as
    a community manager"); the membership's ``created_at`` is when the person joined.
    """
    if not user_ids:
        return {}
    rows = (
        Membership.objects.filter(
            user_id__in=sorted(set(user_ids)),
            state=Membership.State.ACTIVE,
            role__in=(Membership.Role.OWNER, Membership.Role.MANAGER),
        )
        .values("user_id")
        .annotate(since=models.Min("created_at"))
        .values_list("user_id", "since")
    )
    return dict(rows)
