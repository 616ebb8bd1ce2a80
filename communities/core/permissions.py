"""Every access rule of communities and memberships, as query-free predicates with queryset twins.

Predicates read only the community's fields and two maps cached on the :class:`Viewer`:

* ``communities.memberships``: ``{community_id: (role, state)}`` for all of the viewer's memberships,
  loaded in one query on first use (a heavy user has a few hundred rows);
* ``communities.core.permissions``: the community-related model permissions the viewer holds, loaded in
  one query on first use, and only for viewers who are neither staff nor superusers.

So a list can ask any number of predicates for any number of communities for at most two queries.
Services that change the acting viewer's own memberships call :func:`forget_memberships`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import BigIntegerField, CharField, DateTimeField, F, Q, QuerySet, Value
from django.utils import timezone

from communities.core.models import ROLE_RANK, Community, CoordinatorScope, MemberMute, Membership
from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

MEMBERSHIPS_KEY = "communities.memberships"
PERMISSIONS_KEY = "communities.core.permissions"
MUTES_KEY = "communities.mutes"
SCOPE_KEY = "communities.coordinator_scope"
# The ``state`` column of the role map query's permission rows (no membership state looks like it).
PERMISSION_ROW = "permission"

Role = Membership.Role
State = Membership.State
Visibility = Community.Visibility

RoleState = tuple[str, str]


# Cached maps ------------------------------------------------------------------------------------


def role_map(viewer: Viewer) -> dict[int, RoleState]:
    """``{community_id: (role, state)}`` for every membership row of the viewer (one query, cached).

    The same query brings the viewer's current mutes (a ``UNION ALL`` with :class:`MemberMute`),
    cached under ``MUTES_KEY`` for :func:`is_muted`, and the viewer's model permissions of this app
    (a third ``UNION ALL`` branch), cached for :func:`_model_permissions`: almost every community
    page needs both maps, and the not-found parity of hidden objects loads them before any lookup.
    """

    def load() -> dict[int, RoleState]:
        if viewer.user_id is None:
            viewer.remember(MUTES_KEY, dict)
            return {}
        no_time = Value(None, output_field=DateTimeField())
        memberships = (
            Membership.objects.filter(user_id=viewer.user_id)
            .annotate(c=F("community_id"), r=F("role"), s=F("state"), u=no_time)
            .values_list("c", "r", "s", "u")
        )
        mutes = (
            MemberMute.objects.filter(user_id=viewer.user_id, until__gt=timezone.now())
            .annotate(
                c=F("community_id"),
                r=Value("", output_field=CharField()),
                s=Value("", output_field=CharField()),
                u=F("until"),
            )
            .values_list("c", "r", "s", "u")
        )
        permissions = (
            _permissions_of(viewer.user_id)
            .annotate(
                c=Value(0, output_field=BigIntegerField()),
                r=F("codename"),
                s=Value(PERMISSION_ROW, output_field=CharField()),
                u=no_time,
            )
            .values_list("c", "r", "s", "u")
        )
        roles: dict[int, RoleState] = {}
        muted: dict[int, dt.datetime] = {}
        codenames: set[str] = set()
        for community_id, role, state, until in memberships.union(mutes, permissions, all=True):
            if state == PERMISSION_ROW:
                codenames.add(role)
            elif until is not None:
                muted[community_id] = until
            else:
                roles[community_id] = (role, state)
        viewer.forget(MUTES_KEY)
        viewer.remember(MUTES_KEY, lambda: muted)
        viewer.forget(PERMISSIONS_KEY)
        viewer.remember(PERMISSIONS_KEY, lambda: frozenset(codenames))
        return roles

    return viewer.remember(MEMBERSHIPS_KEY, load)


def forget_memberships(viewer: Viewer) -> None:
    viewer.forget(MEMBERSHIPS_KEY)
    viewer.forget(MUTES_KEY)


def muted_until(viewer: Viewer, community: Community) -> dt.datetime | None:
    """When the viewer's mute in ``community`` ends, or ``None`` if they are not muted (cached map)."""
    if not viewer.is_authenticated:
        return None
    role_map(viewer)
    mutes: dict[int, dt.datetime] = viewer.remember(MUTES_KEY, dict)
    until = mutes.get(community.pk)
    if until is None or until <= timezone.now():
        return None
    return until


def is_muted(viewer: Viewer, community: Community) -> bool:
    return muted_until(viewer, community) is not None


def _model_permissions(viewer: Viewer) -> frozenset[str]:
    """Codenames of this app's model permissions the viewer holds directly or through a group.

    One query instead of ``user.has_perm`` (which loads every permission in two): the same rule as
    Django's ModelBackend for the permissions this module asks about.
    """

    def load() -> frozenset[str]:
        if viewer.user_id is None:
            return frozenset()
        return frozenset(_permissions_of(viewer.user_id).values_list("codename", flat=True).distinct())

    # The role map's query brings the permissions along (no query of its own on a fresh viewer).
    role_map(viewer)
    return viewer.remember(PERMISSIONS_KEY, load)


def _permissions_of(user_id: int) -> QuerySet[Permission]:
    """This app's permissions the user holds directly or through a group (ModelBackend's rule)."""
    return Permission.objects.filter(content_type__app_label="communities").filter(
        Q(user__id=user_id) | Q(group__user__id=user_id)
    )


def _has_perm(viewer: Viewer, codename: str) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    return codename in _model_permissions(viewer)


def _entry(viewer: Viewer, community: Community) -> RoleState | None:
    if not viewer.is_authenticated:
        return None
    return role_map(viewer).get(community.pk)


def _state(viewer: Viewer, community: Community) -> str | None:
    entry = _entry(viewer, community)
    return entry[1] if entry else None


def _active_rank(viewer: Viewer, community: Community) -> int:
    """Rank of the viewer's role if they are an active member, else 0."""
    entry = _entry(viewer, community)
    if entry is None or entry[1] != State.ACTIVE:
        return 0
    return ROLE_RANK[entry[0]]


# Coordinators -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinatorReach:
    """The communities a coordinator coordinates: all, or those of some categories plus a list."""

    everything: bool
    category_ids: frozenset[int] = frozenset()
    community_ids: frozenset[int] = frozenset()

    def covers(self, community: Community) -> bool:
        return self.everything or community.pk in self.community_ids or community.category_id in self.category_ids

    def q(self, prefix: str = "") -> Q:
        """``Q`` matching the covered communities on a community queryset (or through ``prefix``)."""
        if self.everything:
            return Q()
        pk = f"{prefix}_id" if prefix else "pk"
        category = f"{prefix}__category_id" if prefix else "category_id"
        return Q(**{f"{pk}__in": sorted(self.community_ids)}) | Q(**{f"{category}__in": sorted(self.category_ids)})


EVERYTHING = CoordinatorReach(everything=True)


def coordinator_reach(viewer: Viewer) -> CoordinatorReach | None:
    """What the viewer coordinates; ``None`` for people who are no coordinators.

    Staff and superusers coordinate everything (no query). Holders of ``communities.coordinate``
    coordinate everything unless a :class:`CoordinatorScope` row narrows them (one query, cached,
    only for holders of the permission).
    """
    if not viewer.is_authenticated:
        return None
    if viewer.is_staff or viewer.is_superuser:
        return EVERYTHING
    if not _has_perm(viewer, "coordinate"):
        return None

    def load() -> CoordinatorReach:
        row = (
            CoordinatorScope.objects.filter(user_id=viewer.user_id or 0)
            .annotate(cats=ArrayAgg("categories__id", distinct=True), coms=ArrayAgg("communities__id", distinct=True))
            .values_list("all_communities", "cats", "coms")
            .first()
        )
        if row is None or row[0]:
            return EVERYTHING
        return CoordinatorReach(
            everything=False,
            category_ids=frozenset(i for i in row[1] if i is not None),
            community_ids=frozenset(i for i in row[2] if i is not None),
        )

    return viewer.remember(SCOPE_KEY, load)


def coordinates_everything(viewer: Viewer) -> bool:
    """Staff and unscoped coordinators: queryset twins skip their community filter entirely."""
    reach = coordinator_reach(viewer)
    return reach is not None and reach.everything


def can_view_console(viewer: Viewer) -> bool:
    """Open the coordinators' console at all: coordinators (staff, holders of
    ``communities.coordinate``); what it shows is limited to their scope."""
    return is_coordinator(viewer)


def is_coordinator(viewer: Viewer, community: Community | None = None) -> bool:
    """Whether the viewer coordinates ``community`` (:func:`coordinates_community`) or, with
    ``None``, coordinates at all."""
    if community is not None:
        return coordinates_community(viewer, community)
    return coordinator_reach(viewer) is not None


def coordinates_community(viewer: Viewer, community: Community) -> bool:
    """Whether the viewer coordinates ``community``: the one rule behind every coordinator clause.

    Staff and superusers coordinate every community; holders of ``communities.coordinate`` every
    community inside their :class:`CoordinatorScope` (all of them without a scope row). Query-free
    once the viewer's permission and scope maps are cached. Twin: :func:`coordinated_communities`
    (and :func:`coordinated_q`); reverse look-up: :func:`coordinator_ids_for`.
    """
    reach = coordinator_reach(viewer)
    return reach is not None and reach.covers(community)


def coordinated_q(viewer: Viewer, prefix: str = "") -> Q:
    """``Q`` matching the communities the viewer coordinates (through ``prefix`` on related rows).

    ``Q()`` for coordinators of everything, a filter that matches nothing for non-coordinators.
    """
    reach = coordinator_reach(viewer)
    if reach is None:
        return Q(pk__in=[])
    return reach.q(prefix)


def coordinated_communities(viewer: Viewer, qs: QuerySet[Community] | None = None) -> QuerySet[Community]:
    """Twin of :func:`coordinates_community`."""
    qs = Community.objects.all() if qs is None else qs
    if coordinator_reach(viewer) is None:
        return qs.none()
    return qs.filter(coordinated_q(viewer))


def _coordinate_holders_q() -> Q:
    """``Q`` on users holding ``communities.coordinate`` directly or through a group (subqueries)."""
    user_model = get_user_model()
    direct = user_model.user_permissions.through.objects.filter(
        permission__codename="coordinate", permission__content_type__app_label="communities"
    ).values("user_id")
    grouped = user_model.groups.through.objects.filter(
        group__permissions__codename="coordinate", group__permissions__content_type__app_label="communities"
    ).values("user_id")
    return Q(pk__in=direct) | Q(pk__in=grouped)


def coordinators_q(community_ids: Iterable[int]) -> Q:
    """``Q`` on users who coordinate at least one of ``community_ids`` (reverse of
    :func:`coordinates_community`; subqueries only, so it adds no query and no duplicate rows).

    Callers also filter ``is_active=True``: inactive accounts coordinate nothing.
    """
    ids = sorted(set(community_ids))
    covering = (
        Q(all_communities=True)
        | Q(communities__in=ids)
        | Q(categories__in=Community.objects.filter(pk__in=ids).values("category_id"))
    )
    unscoped = ~Q(pk__in=CoordinatorScope.objects.values("user_id"))
    scoped_here = Q(pk__in=CoordinatorScope.objects.filter(covering).values("user_id"))
    return Q(is_staff=True) | Q(is_superuser=True) | (_coordinate_holders_q() & (unscoped | scoped_here))


def coordinators_of(community_ids: Iterable[int], qs: QuerySet[User] | None = None) -> QuerySet[User]:
    """Active users who coordinate at least one of ``community_ids`` (one query to list)."""
    users: QuerySet[User] = get_user_model().objects.all() if qs is None else qs
    return users.filter(coordinators_q(community_ids), is_active=True)


def coordinator_ids_for(community: Community) -> list[int]:
    """Ids of the active users for whom :func:`coordinates_community` holds (one query)."""
    return sorted(coordinators_of([community.pk]).values_list("pk", flat=True))


# Seeing and reading -----------------------------------------------------------------------------


def can_view_community(viewer: Viewer, community: Community) -> bool:
    """See that the community exists: its card, name and about page.

    Public and private communities are listed to every signed-in employee (archived ones too: they
    stay findable, read-only). Secret ones only to active members, invited people and coordinators.
    """
    if not viewer.is_authenticated:
        return False
    if community.visibility != Visibility.SECRET:
        return True
    return _state(viewer, community) in (State.ACTIVE, State.INVITED) or is_coordinator(viewer, community)


def can_read_community_content(viewer: Viewer, community: Community) -> bool:
    """Read posts and comments: public for every signed-in employee not banned there, otherwise
    active members; coordinators read everything."""
    if not viewer.is_authenticated:
        return False
    state = _state(viewer, community)
    if state == State.ACTIVE or is_coordinator(viewer, community):
        return True
    return community.visibility == Visibility.PUBLIC and state != State.BANNED


# Joining and leaving ----------------------------------------------------------------------------


def _may_enter(viewer: Viewer, community: Community, policy: str) -> bool:
    return (
        viewer.is_authenticated
        and not community.is_archived
        and community.join_policy == policy
        and _entry(viewer, community) is None
        and can_view_community(viewer, community)
    )


def can_join_community(viewer: Viewer, community: Community) -> bool:
    """Join at once: open policy, active community, no membership row of any state (bans included)."""
    return _may_enter(viewer, community, Community.JoinPolicy.OPEN)


def can_request_membership(viewer: Viewer, community: Community) -> bool:
    """Ask to join a community with the "on request" policy."""
    return _may_enter(viewer, community, Community.JoinPolicy.REQUEST)


def can_accept_invitation(viewer: Viewer, community: Community) -> bool:
    return not community.is_archived and _state(viewer, community) == State.INVITED


def can_leave_community(viewer: Viewer, community: Community) -> bool:
    """Leave, withdraw a request or decline an invitation. A ban cannot be left.

    Whether the viewer is the last owner needs a count under lock: the service checks it.
    """
    return _state(viewer, community) in (State.ACTIVE, State.PENDING, State.INVITED)


def can_change_own_notification_level(viewer: Viewer, community: Community) -> bool:
    return _state(viewer, community) == State.ACTIVE


# Taking part ------------------------------------------------------------------------------------


def can_post_in_community(viewer: Viewer, community: Community) -> bool:
    """Start posts: active members only, whatever the visibility; nobody in an archived community;
    nobody while muted there."""
    return not community.is_archived and _active_rank(viewer, community) > 0 and not is_muted(viewer, community)


def _may_take_part(viewer: Viewer, community: Community) -> bool:
    return (
        not community.is_archived
        and can_read_community_content(viewer, community)
        and (_active_rank(viewer, community) > 0 or community.visibility == Visibility.PUBLIC)
    )


def can_comment_in_community(viewer: Viewer, community: Community) -> bool:
    """Comment: everyone who may read and is not banned or muted, in an active community.

    In a public community that includes non-members, so an expert elsewhere in the company can
    answer a question without joining first; in private and secret ones it means active members.
    """
    return _may_take_part(viewer, community) and not is_muted(viewer, community)


def can_react_in_community(viewer: Viewer, community: Community) -> bool:
    """React: like commenting, but a mute does not stop reactions (it silences, it does not lock out)."""
    return _may_take_part(viewer, community)


# Running a community ----------------------------------------------------------------------------


def can_moderate_community(viewer: Viewer, community: Community) -> bool:
    """Moderate content (hide, pin, lock): moderators and above, and coordinators.

    Allowed in archived communities too, so offending content can still be taken down.
    """
    return _active_rank(viewer, community) >= ROLE_RANK[Role.MODERATOR] or is_coordinator(viewer, community)


def can_manage_members(viewer: Viewer, community: Community) -> bool:
    """Approve or decline requests, invite, remove and ban: managers and above, and coordinators.

    Not in archived communities (read-only until unarchived).
    """
    if community.is_archived:
        return False
    return _active_rank(viewer, community) >= ROLE_RANK[Role.MANAGER] or is_coordinator(viewer, community)


def _outranks(viewer: Viewer, community: Community, target_role: str) -> bool:
    """Managers act on moderators and members; owners on everyone; coordinators on everyone."""
    if is_coordinator(viewer, community):
        return True
    rank = _active_rank(viewer, community)
    if rank == ROLE_RANK[Role.OWNER]:
        return True
    return rank >= ROLE_RANK[Role.MANAGER] and ROLE_RANK[target_role] < ROLE_RANK[Role.MANAGER]


def can_change_role(viewer: Viewer, membership: Membership, new_role: str) -> bool:
    """Give an active membership another role.

    Owners and coordinators may set any role; managers may make moderators and members of
    moderators and members. Demoting the last owner is refused by the service (needs a count).
    """
    community = membership.community
    if not can_manage_members(viewer, community) or membership.state != State.ACTIVE:
        return False
    if new_role not in ROLE_RANK:
        return False
    if is_coordinator(viewer, community) or _active_rank(viewer, community) == ROLE_RANK[Role.OWNER]:
        return True
    return _outranks(viewer, community, membership.role) and ROLE_RANK[new_role] < ROLE_RANK[Role.MANAGER]


def can_remove_member(viewer: Viewer, membership: Membership) -> bool:
    """Remove someone else's membership (any state but banned: unban is its own action)."""
    community = membership.community
    return (
        membership.user_id != viewer.user_id
        and membership.state != State.BANNED
        and can_manage_members(viewer, community)
        and _outranks(viewer, community, membership.role)
    )


def can_ban_member(viewer: Viewer, community: Community, membership: Membership | None) -> bool:
    """Ban a person (``membership`` is their row, or ``None`` if they have none) from a community."""
    if not can_manage_members(viewer, community):
        return False
    if membership is None:
        return True
    return (
        membership.user_id != viewer.user_id
        and membership.state != State.BANNED
        and _outranks(viewer, community, membership.role)
    )


def can_unban_member(viewer: Viewer, membership: Membership) -> bool:
    return membership.state == State.BANNED and can_manage_members(viewer, membership.community)


def can_change_post_retention(viewer: Viewer, community: Community) -> bool:
    """Choose how long the community keeps its posts (issue 23): owners and coordinators; not while
    archived. Deleting old posts for everyone is weightier than the other settings."""
    if community.is_archived:
        return False
    return _active_rank(viewer, community) == ROLE_RANK[Role.OWNER] or is_coordinator(viewer, community)


def can_change_community_settings(viewer: Viewer, community: Community) -> bool:
    """Edit name, description, category, tags, visibility and join policy: managers and above, and
    coordinators; not while archived."""
    if community.is_archived:
        return False
    return _active_rank(viewer, community) >= ROLE_RANK[Role.MANAGER] or is_coordinator(viewer, community)


def can_archive_community(viewer: Viewer, community: Community) -> bool:
    """Archive (make read-only) or bring back: owners and coordinators."""
    return _active_rank(viewer, community) == ROLE_RANK[Role.OWNER] or is_coordinator(viewer, community)


def can_set_official(viewer: Viewer, community: Community) -> bool:
    """Coordinators; and owners or managers who hold ``communities.create_official_community``
    (granted, for example, by a training level) for the communities they run."""
    if is_coordinator(viewer, community):
        return True
    return _active_rank(viewer, community) >= ROLE_RANK[Role.MANAGER] and _has_perm(viewer, "create_official_community")


def can_create_community(viewer: Viewer) -> bool:
    """Any active employee, unless ``COMMUNITY_CREATION_RESTRICTED`` limits it to coordinators and
    holders of ``communities.add_community``."""
    if not viewer.is_authenticated:
        return False
    if not getattr(settings, "COMMUNITY_CREATION_RESTRICTED", False):
        return True
    return is_coordinator(viewer) or _has_perm(viewer, "add_community")


# Queryset twins ---------------------------------------------------------------------------------


def _ids_in_states(viewer: Viewer, states: tuple[str, ...]) -> list[int]:
    return sorted(cid for cid, (_role, state) in role_map(viewer).items() if state in states)


def visible_communities(viewer: Viewer, qs: QuerySet[Community] | None = None) -> QuerySet[Community]:
    """Twin of :func:`can_view_community`, for the directory and search."""
    qs = Community.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:
        return qs
    known = _ids_in_states(viewer, (State.ACTIVE, State.INVITED))
    visible = ~Q(visibility=Visibility.SECRET) | Q(pk__in=known)
    return qs.filter(visible | reach.q() if reach is not None else visible)


def readable_community_q(viewer: Viewer, prefix: str = "") -> Q:
    """``Q`` matching the communities whose content the viewer may read (through ``prefix`` on
    related rows): the one queryset encoding of :func:`can_read_community_content`.

    ``Q()`` for coordinators of everything; ANDed by the callers (an empty ``Q`` vanishes in an OR).
    """
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:
        return Q()
    pk = f"{prefix}_id" if prefix else "pk"
    visibility = f"{prefix}__visibility" if prefix else "visibility"
    active = _ids_in_states(viewer, (State.ACTIVE,))
    banned = _ids_in_states(viewer, (State.BANNED,))
    readable = (Q(**{visibility: Visibility.PUBLIC}) & ~Q(**{f"{pk}__in": banned})) | Q(**{f"{pk}__in": active})
    return readable | reach.q(prefix) if reach is not None else readable


def readers_of_community(community: Community, qs: QuerySet[User] | None = None) -> QuerySet[User]:
    """Users for whom :func:`can_read_community_content` holds in ``community`` (one query to list):
    the reverse look-up of the read rule.

    Used to resolve @mentions: only people who can read the community are linked and notified.
    """
    qs = get_user_model().objects.all() if qs is None else qs
    qs = qs.filter(is_active=True)
    memberships = Membership.objects.filter(community=community)
    coordinators = coordinators_q([community.pk])
    if community.visibility == Community.Visibility.PUBLIC:
        banned = memberships.filter(state=State.BANNED).values("user_id")
        return qs.filter(~Q(pk__in=banned) | coordinators)
    return qs.filter(Q(pk__in=memberships.filter(state=State.ACTIVE).values("user_id")) | coordinators)


def readable_community_sql(viewer: Viewer, alias: str) -> tuple[str, dict[str, Any]] | None:
    """The SQL twin of :func:`readable_community_q`: a condition on the community row ``alias``
    and its named parameters (prefixed ``readable_``), for raw queries such as the home feed.

    ``None`` when the viewer reads every community (no condition at all). ``alias`` is a table
    alias chosen by the caller, never user input.
    """
    if not viewer.is_authenticated:
        return "FALSE", {}
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:
        return None
    public = Visibility.PUBLIC.value
    sql = (
        f"(({alias}.visibility = '{public}' AND {alias}.id <> ALL(%(readable_banned)s::bigint[])) "
        f"OR {alias}.id = ANY(%(readable_active)s::bigint[])"
    )
    params: dict[str, Any] = {
        "readable_banned": _ids_in_states(viewer, (State.BANNED,)),
        "readable_active": _ids_in_states(viewer, (State.ACTIVE,)),
    }
    if reach is not None:
        sql += (
            f" OR {alias}.id = ANY(%(readable_scope_communities)s::bigint[])"
            f" OR {alias}.category_id = ANY(%(readable_scope_categories)s::bigint[])"
        )
        params["readable_scope_communities"] = sorted(reach.community_ids)
        params["readable_scope_categories"] = sorted(reach.category_ids)
    return sql + ")", params


def readable_communities(viewer: Viewer, qs: QuerySet[Community] | None = None) -> QuerySet[Community]:
    """Twin of :func:`can_read_community_content`, for feeds and post search."""
    qs = Community.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    return qs.filter(readable_community_q(viewer))


def moderated_communities(viewer: Viewer, qs: QuerySet[Community] | None = None) -> QuerySet[Community]:
    """Twin of :func:`can_moderate_community` (post move targets)."""
    qs = Community.objects.all() if qs is None else qs
    if not viewer.is_authenticated:
        return qs.none()
    reach = coordinator_reach(viewer)
    if reach is not None and reach.everything:
        return qs
    mine = Q(pk__in=community_ids_where(viewer, min_role=Role.MODERATOR))
    return qs.filter(mine | reach.q() if reach is not None else mine)


def community_ids_where(viewer: Viewer, *, min_role: str = Role.MEMBER) -> list[int]:
    """Communities where the viewer is an active member with at least ``min_role`` (from the map)."""
    floor = ROLE_RANK[min_role]
    return sorted(
        cid for cid, (role, state) in role_map(viewer).items() if state == State.ACTIVE and ROLE_RANK[role] >= floor
    )
