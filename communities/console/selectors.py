"""Reads of the coordinator console: overview, community list and export, portfolio, detail.

Every selector limits its rows to the viewer's coordinator reach (``CoordinatorScope``) and raises
``Http404`` for people who are no coordinators, so a scoped coordinator's lists, counts, charts,
export and portfolio agree. Query shapes are fixed: aggregates and ``IN`` lookups, never one query
per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.console.permissions import can_coordinate_community, visible_console_communities
from communities.core.models import ROLE_RANK, Category, Community, Membership
from communities.core.permissions import _active_rank, can_view_console, coordinated_q
from communities.core.qualifications import certificates_for, levels_for
from communities.health.models import CommunityDayFigures, CommunityHealth
from communities.health.score import SIZE_CLASSES
from communities.health.selectors import explain, size_class_label
from communities.inbox.models import InboxItem
from communities.lifecycle.models import CampaignCase, CoordinatorNote, HandoverRecord, MergeRecord
from communities.lifecycle.permissions import can_merge_communities, can_unmerge, can_view_coordinator_notes
from communities.posts.models import Comment, Post
from intranet.accounts.permissions import visible_users
from intranet.accounts.selectors import users_for_choice
from intranet.core.pagination import Page, keyset_page
from intranet.core.switches import person_figures_allowed
from intranet.core.viewer import Viewer

Role = Membership.Role
State = Membership.State
HealthState = CommunityHealth.State

LIST_PAGE_SIZE = 30
PORTFOLIO_PAGE_SIZE = 20
CHART_DAYS = 90
LIVELIEST = 10
MANAGING_ROLES = (Role.OWNER, Role.MANAGER)

#: Filter values for the state beyond the health states.
ARCHIVED = "archived"
UNASSESSED = "unassessed"

#: Sort keys of the list: URL value -> annotation or field.
SORTS = {
    "members": "member_count",
    "active": "active_30d",
    "posts": "posts_30d",
    "score": "score",
    "activity": "last_activity_at",
    "name": "name",
}


def require_console(viewer: Viewer) -> None:
    if not can_view_console(viewer):
        raise Http404


# Filters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleFilters:
    state: str = ""
    category: int | None = None
    size: str = ""
    official: str = ""  # "", "yes", "no"
    q: str = ""
    sort: str = "-activity"

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-") if self.sort.lstrip("-") in SORTS else "activity"

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-") or self.sort.lstrip("-") not in SORTS

    def ordering(self) -> list[str]:
        field_name = SORTS[self.sort_key]
        return [f"-{field_name}", "-id"] if self.descending else [field_name, "id"]

    @classmethod
    def from_query(cls, data: Any) -> ConsoleFilters:
        category = data.get("category") or ""
        sort = data.get("sort") or "-activity"
        if sort.lstrip("-") not in SORTS:
            sort = "-activity"
        return cls(
            state=data.get("state") or "",
            category=int(category) if str(category).isdigit() else None,
            size=(data.get("size") or "")[:12],
            official=data.get("official") if data.get("official") in ("yes", "no") else "",
            q=(data.get("q") or "").strip()[:100],
            sort=sort,
        )

    def as_query(self, **override: Any) -> dict[str, Any]:
        values = {
            "state": self.state,
            "category": self.category or "",
            "size": self.size,
            "official": self.official,
            "q": self.q,
            "sort": self.sort,
            **override,
        }
        return {k: v for k, v in values.items() if v not in ("", None)}


def _figures_since(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def console_communities(viewer: Viewer, filters: ConsoleFilters) -> QuerySet[Community]:
    """The filtered, annotated community rows of the list and the export (no query yet)."""
    require_console(viewer)
    latest = CommunityDayFigures.objects.filter(community=OuterRef("pk")).order_by("-day")
    posts_30d = (
        CommunityDayFigures.objects.filter(community=OuterRef("pk"), day__gt=_figures_since(30))
        .order_by()
        .values("community")
        .annotate(n=Sum("posts"))
        .values("n")
    )
    qs = visible_console_communities(viewer).annotate(
        active_30d=Coalesce(Subquery(latest.values("active_30d")[:1], output_field=IntegerField()), 0),
        posts_30d=Coalesce(Subquery(posts_30d, output_field=IntegerField()), 0),
        score=Coalesce(F("health__score"), Value(-1)),
        state=F("health__state"),
        size_class=F("health__size_class"),
    )
    if filters.state == ARCHIVED:
        qs = qs.filter(lifecycle=Community.Lifecycle.ARCHIVED)
    elif filters.state == UNASSESSED:
        qs = qs.filter(lifecycle=Community.Lifecycle.ACTIVE, health__isnull=True)
    elif filters.state in HealthState.values:
        qs = qs.filter(lifecycle=Community.Lifecycle.ACTIVE, health__state=filters.state)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.size:
        qs = qs.filter(health__size_class=filters.size)
    if filters.official:
        qs = qs.filter(is_official=filters.official == "yes")
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return qs.select_related("category")


def console_community_page(viewer: Viewer, filters: ConsoleFilters, cursor: str | None = None) -> Page[Community]:
    """One keyset page of the console list (one query)."""
    return keyset_page(
        console_communities(viewer, filters), ordering=filters.ordering(), cursor=cursor, page_size=LIST_PAGE_SIZE
    )


def console_export_rows(viewer: Viewer, filters: ConsoleFilters) -> Iterator[list[Any]]:
    """Rows of the CSV export, streamed from a server-side cursor (one query)."""
    qs = console_communities(viewer, filters).order_by(*filters.ordering())
    fields = (
        "pk",
        "name",
        "slug",
        "category__name",
        "is_official",
        "lifecycle",
        "state",
        "score",
        "size_class",
        "member_count",
        "active_30d",
        "posts_30d",
        "last_activity_at",
    )
    for row in qs.values_list(*fields).iterator(chunk_size=1000):
        values = list(row)
        values[7] = "" if values[7] == -1 else values[7]
        values[12] = values[12].isoformat() if values[12] else ""
        yield values


def filter_choices() -> dict[str, Any]:
    """Categories and size classes for the filter form (two small queries).

    Size classes come as ``(code, label)`` pairs, smallest first, and only those some community is
    in: the codes ("xs", "s") mean nothing to a coordinator, "10 to 49 members" does. A code the
    score no longer knows keeps its place at the end, under its code.
    """
    present = set(
        CommunityHealth.objects.exclude(size_class="").order_by().values_list("size_class", flat=True).distinct()
    )
    known = [code for code, _lowest in SIZE_CLASSES]
    ordered = [code for code in known if code in present] + sorted(present.difference(known))
    sizes = [(code, size_class_label(code)) for code in ordered]
    categories = list(Category.objects.order_by("position", "name").values_list("pk", "name"))
    return {"sizes": sizes, "categories": categories, "states": HealthState.choices}


# Overview ---------------------------------------------------------------------------------------


@dataclass
class Overview:
    by_state: list[tuple[str, str, int]]
    total: int
    archived: int
    chart_days: list[str]
    chart_members: list[int]
    chart_activity: list[int]
    liveliest: list[Community]
    certified_share: float | None
    certified_count: int
    active_total: int


def console_overview(viewer: Viewer) -> Overview:
    """The platform at a glance within the viewer's reach (five queries, whatever the size)."""
    require_console(viewer)
    scoped = visible_console_communities(viewer)
    counts = {
        (row["lifecycle"], row["health__state"]): row["n"]
        for row in scoped.order_by().values("lifecycle", "health__state").annotate(n=Count("pk"))
    }
    active = Community.Lifecycle.ACTIVE
    by_state = [(value, str(label), counts.get((active, value), 0)) for value, label in HealthState.choices]
    unassessed = counts.get((active, None), 0)
    archived = sum(n for (lifecycle, _s), n in counts.items() if lifecycle != active)
    active_total = sum(n for (lifecycle, _s), n in counts.items() if lifecycle == active)
    since = _figures_since(CHART_DAYS)
    series = (
        CommunityDayFigures.objects.filter(coordinated_q(viewer, "community"), day__gt=since)
        .order_by("day")
        .values("day")
        .annotate(members=Sum("members"), posts=Sum("posts"), comments=Sum("comments"), reactions=Sum("reactions"))
    )
    days, members, activity = [], [], []
    for row in series:
        days.append(row["day"].isoformat())
        members.append(row["members"] or 0)
        activity.append((row["posts"] or 0) + (row["comments"] or 0) + (row["reactions"] or 0))
    liveliest = list(
        scoped.filter(lifecycle=active, health__isnull=False)
        .select_related("health", "category")
        .order_by("-health__score", "-last_activity_at", "-pk")[:LIVELIEST]
    )
    managers = list(
        Membership.objects.filter(
            coordinated_q(viewer, "community"),
            community__lifecycle=active,
            state=State.ACTIVE,
            role__in=MANAGING_ROLES,
            user__is_active=True,
        ).values_list("community_id", "user_id")
    )
    certified = certificates_for(sorted({uid for _c, uid in managers}))
    covered = {cid for cid, uid in managers if certified.get(uid)}
    by_state.append((UNASSESSED, "", unassessed))
    return Overview(
        by_state=by_state,
        total=active_total + archived,
        archived=archived,
        chart_days=days,
        chart_members=members,
        chart_activity=activity,
        liveliest=liveliest,
        certified_share=(len(covered) / active_total) if active_total else None,
        certified_count=len(covered),
        active_total=active_total,
    )


# Portfolio --------------------------------------------------------------------------------------


@dataclass
class PortfolioEntry:
    manager: Any
    communities: list[tuple[Community, str, str | None]] = field(default_factory=list)  # (community, role, state)
    level: Any = None
    certificates: list[Any] = field(default_factory=list)
    #: ``None`` when per-person figures are switched off (``PRIVACY_PERSON_FIGURES``).
    open_inbox: int | None = 0
    last_contact: dt.datetime | None = None
    latest_note: CoordinatorNote | None = None


def portfolio_page(viewer: Viewer, cursor: str | None = None) -> Page[Any]:
    """The community managers (owners and managers) of communities within the viewer's reach, with
    their communities, level, certificates, open inbox items and the latest coordinator note.

    Six queries per page whatever its length (managers, their memberships with health, levels,
    certificates, inbox counts, notes); five without per-person figures (no inbox counts).
    """
    require_console(viewer)
    manages = Membership.objects.filter(
        coordinated_q(viewer, "community"), state=State.ACTIVE, role__in=MANAGING_ROLES, community__lifecycle="active"
    )
    users = get_user_model().objects.filter(pk__in=manages.values("user_id"), is_active=True)
    page = keyset_page(users, ordering=["display_name", "id"], cursor=cursor, page_size=PORTFOLIO_PAGE_SIZE)
    ids = [u.pk for u in page.items]
    entries = {u.pk: PortfolioEntry(manager=u) for u in page.items}
    rows = (
        manages.filter(user_id__in=ids)
        .select_related("community", "community__health")
        .order_by("community__name", "community_id")
    )
    community_ids: set[int] = set()
    for row in rows:
        health = getattr(row.community, "health", None) if _has_health(row.community) else None
        entries[row.user_id].communities.append((row.community, row.role, health.state if health else None))
        community_ids.add(row.community_id)
    levels = levels_for(ids)
    certificates = certificates_for(ids)
    # A manager's open inbox items are a figure about one person's work: left out (and not counted)
    # when the works council switched per-person figures off.
    figures = person_figures_allowed()
    open_counts = (
        dict(
            InboxItem.objects.filter(community_id__in=sorted(community_ids))
            .exclude(status=InboxItem.Status.DONE)
            .order_by()
            .values("community_id")
            .annotate(n=Count("pk"))
            .values_list("community_id", "n")
        )
        if figures
        else {}
    )
    notes: dict[int, CoordinatorNote] = {}
    last: dict[int, dt.datetime] = {}
    if ids:
        latest = CoordinatorNote.objects.filter(manager_id=OuterRef("manager_id")).order_by("-created_at", "-id")
        for note in CoordinatorNote.objects.filter(
            manager_id__in=ids, pk=Subquery(latest.values("pk")[:1])
        ).select_related("author"):
            notes[note.manager_id] = note
            last[note.manager_id] = note.created_at
    for uid, entry in entries.items():
        entry.level = levels.get(uid)
        entry.certificates = list(certificates.get(uid, []))
        entry.open_inbox = sum(open_counts.get(c.pk, 0) for c, _r, _s in entry.communities) if figures else None
        entry.latest_note = notes.get(uid)
        entry.last_contact = last.get(uid)
    return Page(items=[entries[u.pk] for u in page.items], next_cursor=page.next_cursor, ordering=page.ordering)


def _has_health(community: Community) -> bool:
    try:
        community.health  # noqa: B018  (loaded by select_related; no query)
    except CommunityHealth.DoesNotExist:
        return False
    return True


def manager_get_for_console(viewer: Viewer, user_id: int) -> tuple[Any, list[CoordinatorNote]]:
    """A manager within the viewer's reach and all coordinator notes on them (404 otherwise)."""
    require_console(viewer)
    manages = Membership.objects.filter(
        coordinated_q(viewer, "community"), user_id=user_id, state=State.ACTIVE, role__in=MANAGING_ROLES
    )
    manager = get_user_model().objects.filter(pk=user_id, pk__in=manages.values("user_id")).first()
    if manager is None:
        raise Http404
    notes: list[CoordinatorNote] = []
    if can_view_coordinator_notes(viewer):
        notes = list(CoordinatorNote.objects.filter(manager_id=user_id).select_related("author")[:50])
    return manager, notes


# Community detail -------------------------------------------------------------------------------


@dataclass
class ConsoleCommunity:
    community: Community
    health: CommunityHealth | None
    explanation: list[str]
    owners: list[Membership]
    open_case: CampaignCase | None
    cases: list[CampaignCase]
    handovers: list[HandoverRecord]
    merges: list[MergeRecord]


def _explain(health: CommunityHealth | None) -> list[str]:
    if health is None:
        return []
    return list(explain(health))


def console_community_get(viewer: Viewer, pk: int) -> ConsoleCommunity:
    """One community for the console with health, explanation, owners, campaign and history."""
    require_console(viewer)
    related = ("category", "health", "merged_into")
    community = visible_console_communities(viewer).select_related(*related).filter(pk=pk).first()
    if community is None or not can_coordinate_community(viewer, community):
        raise Http404
    health = community.health if _has_health(community) else None
    owners = list(
        Membership.objects.filter(community=community, state=State.ACTIVE, role__in=MANAGING_ROLES)
        .select_related("user")
        .order_by("role", "user__display_name")
    )
    cases = list(
        CampaignCase.objects.filter(community=community)
        .select_related("campaign", "merge_target", "answered_by")
        .order_by("-asked_at", "-pk")[:10]
    )
    return ConsoleCommunity(
        community=community,
        health=health,
        explanation=_explain(health),
        owners=owners,
        open_case=next((c for c in cases if c.closed_at is None), None),
        cases=cases,
        handovers=list(
            HandoverRecord.objects.filter(community=community).select_related("from_user", "to_user", "by")[:10]
        ),
        merges=list(
            MergeRecord.objects.filter(Q(source=community) | Q(target=community)).select_related("source", "target")[
                :10
            ]
        ),
    )


#: How many communities the merge target search offers at once.
MERGE_TARGETS_SHOWN = 10
#: Word similarity above which a community's name counts as a match despite a typo.
MERGE_NAME_SIMILARITY = 0.4


def _merge_target_candidates(viewer: Viewer, community: Community) -> QuerySet[Community]:
    return visible_console_communities(viewer).filter(lifecycle=Community.Lifecycle.ACTIVE).exclude(pk=community.pk)


def merge_targets(viewer: Viewer, community: Community, q: str = "") -> list[Community]:
    """Active communities the viewer may merge ``community`` into whose name matches ``q``, best
    match first (case-, accent- and typo-tolerant; at most :data:`MERGE_TARGETS_SHOWN`). Nothing
    without a search: no community is suggested by size. One query."""
    require_console(viewer)
    term = " ".join(anyascii(q or "").lower().split())[:80]
    if not term:
        return []
    folded = Unaccent(Lower("name"))
    qs = _merge_target_candidates(viewer, community).annotate(
        similarity=TrigramWordSimilarity(Value(term), folded),  # type: ignore[arg-type]  # an expression works too
        folded_name=folded,
    )
    qs = qs.filter(Q(folded_name__contains=term) | Q(similarity__gte=MERGE_NAME_SIMILARITY))
    return list(
        qs.select_related("category")
        .only("pk", "name", "slug", "member_count", "post_count", "visibility", "category__name")
        .order_by("-similarity", "name", "pk")[:MERGE_TARGETS_SHOWN]
    )


def merge_source_get(viewer: Viewer, pk: int) -> Community:
    """The community ``pk`` for the merge page, with where it was merged to (one query);
    ``Http404`` unless the viewer coordinates it."""
    require_console(viewer)
    community = visible_console_communities(viewer).select_related("merged_into").filter(pk=pk).first()
    if community is None or not can_coordinate_community(viewer, community):
        raise Http404
    return community


def merge_target_get(viewer: Viewer, community: Community, pk: int | None) -> Community:
    """The community ``pk`` if ``community`` may be merged into it; ``Http404`` otherwise (missing,
    out of the viewer's reach and not a valid target alike). One query."""
    require_console(viewer)
    target = _merge_target_candidates(viewer, community).filter(pk=pk).first() if pk else None
    if target is None or not can_merge_communities(viewer, community, target):
        raise Http404
    return target


@dataclass(frozen=True)
class MergePreview:
    """What merging ``source`` into ``target`` would move, for the confirmation step."""

    source: Community
    target: Community
    members_moving: int
    members_already_there: int
    requests_and_invitations: int
    posts: int
    comments: int
    attachments: int


def merge_preview(viewer: Viewer, source: Community, target: Community) -> MergePreview:
    """Counts of what a merge would move (three queries, whatever the sizes): members joining the
    target, members already there (they keep their membership there, raised to a higher source
    role), pending requests and invitations, posts with their comments and attachments."""
    require_console(viewer)
    in_target = Exists(Membership.objects.filter(community_id=target.pk, user_id=OuterRef("user_id")))
    active = Q(state=Membership.State.ACTIVE)
    pending = Q(state__in=[Membership.State.PENDING, Membership.State.INVITED])
    members = (
        Membership.objects.filter(community_id=source.pk)
        .annotate(there=in_target)
        .aggregate(
            moving=Count("pk", filter=active & Q(there=False)),
            already=Count("pk", filter=active & Q(there=True)),
            pending=Count("pk", filter=pending & Q(there=False)),
        )
    )
    posts = Post.objects.filter(community_id=source.pk)
    counts = posts.aggregate(
        posts=Count("pk", distinct=True),
        attachments=Count("attachments", distinct=True),
    )
    comments = Comment.objects.filter(post__community_id=source.pk).count()
    return MergePreview(
        source=source,
        target=target,
        members_moving=members["moving"],
        members_already_there=members["already"],
        requests_and_invitations=members["pending"],
        posts=counts["posts"],
        comments=comments,
        attachments=counts["attachments"],
    )


def case_get_for_viewer(viewer: Viewer, pk: int) -> CampaignCase:
    """A campaign case for its community's owners and coordinators (404 for everyone else)."""
    case = CampaignCase.objects.select_related("community", "campaign", "merge_target").filter(pk=pk).first()
    if case is None:
        raise Http404
    if not (
        can_coordinate_community(viewer, case.community)
        or _active_rank(viewer, case.community) == ROLE_RANK[Role.OWNER]
    ):
        raise Http404
    return case


def handover_person_get(*, viewer: Viewer, user_id: int | None, identifier: str, suggestions: list[Any]) -> Any:
    """The person a handover names: a suggested successor by id (no query), else anyone the viewer
    may see by id, or by handle or e-mail address as the person picker sends them (one query).
    ``ValidationError`` on ``person`` when nobody (active) matches."""
    if user_id:
        for suggestion in suggestions:
            if suggestion.user.pk == user_id:
                return suggestion.user
        person = visible_users(viewer, get_user_model().objects.all()).filter(pk=user_id).first()
    else:
        people, _missing = users_for_choice(viewer=viewer, tokens=[identifier])
        person = people[0] if people else None
    if person is None:
        raise ValidationError(
            {"person": [_("Nobody here by that name, handle or e-mail address. Choose a person from the list.")]}
        )
    return person


def merge_record_get_for_unmerge(viewer: Viewer, pk: int) -> MergeRecord:
    """A merge the viewer may undo, with both communities (one query); ``Http404`` otherwise."""
    require_console(viewer)
    record = MergeRecord.objects.select_related("source", "target").filter(pk=pk).first()
    if record is None or not can_unmerge(viewer, record.source, record.target):
        raise Http404
    return record


__all__ = [
    "ARCHIVED",
    "SORTS",
    "UNASSESSED",
    "ConsoleCommunity",
    "ConsoleFilters",
    "Overview",
    "PortfolioEntry",
    "case_get_for_viewer",
    "console_communities",
    "console_community_get",
    "console_community_page",
    "console_export_rows",
    "console_overview",
    "filter_choices",
    "handover_person_get",
    "manager_get_for_console",
    "merge_preview",
    "merge_record_get_for_unmerge",
    "merge_source_get",
    "merge_target_get",
    "merge_targets",
    "portfolio_page",
]
