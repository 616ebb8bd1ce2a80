"""Every access rule of the meetup directory, as query-free predicates with queryset twins.

Predicates read only the object's fields and two maps cached on the :class:`Viewer`:

* ``meetups.organised_series``: the ids of the series the viewer organises (one query, cached);
* the coordinator maps of ``communities.permissions`` (:func:`is_coordinator`).

Every signed-in employee browses the directory and answers invitations; organisers of a series and
coordinators create and edit its events; coordinators curate organisations and external people.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from communities.permissions import is_coordinator
from intranet.core.viewer import Viewer

from .models import RSVP, ExternalPerson, MeetupEvent, MeetupSeries, Organisation

ORGANISED_KEY = "meetups.organised_series"

Status = RSVP.Status


def organised_series_ids(viewer: Viewer) -> frozenset[int]:
    """Ids of the series the viewer organises (one query on first use, cached on the viewer)."""

    def load() -> frozenset[int]:
        if viewer.user_id is None:
            return frozenset()
        through = MeetupSeries.organisers.through
        return frozenset(through.objects.filter(user_id=viewer.user_id).values_list("meetupseries_id", flat=True))

    return viewer.remember(ORGANISED_KEY, load)


def forget_organised(viewer: Viewer) -> None:
    viewer.forget(ORGANISED_KEY)


def is_meetup_coordinator(viewer: Viewer) -> bool:
    """Coordinators (of any scope) curate the meetup directory, which belongs to no community."""
    return is_coordinator(viewer)


def is_organiser(viewer: Viewer, series_id: int) -> bool:
    return viewer.is_authenticated and series_id in organised_series_ids(viewer)


# Seeing ------------------------------------------------------------------------------------------


def can_view_series(viewer: Viewer, series: MeetupSeries) -> bool:
    """Every signed-in employee sees every series (the directory is company-wide)."""
    return viewer.is_authenticated


def visible_series(viewer: Viewer, qs: QuerySet[MeetupSeries]) -> QuerySet[MeetupSeries]:
    return qs if viewer.is_authenticated else qs.none()


def can_view_event(viewer: Viewer, event: MeetupEvent) -> bool:
    return viewer.is_authenticated


def visible_events(viewer: Viewer, qs: QuerySet[MeetupEvent]) -> QuerySet[MeetupEvent]:
    return qs if viewer.is_authenticated else qs.none()


def can_view_attendees(viewer: Viewer, event: MeetupEvent, my_status: str | None) -> bool:
    """The list of who comes: for people who come or wait (``my_status``) and for organisers."""
    if not viewer.is_authenticated:
        return False
    return my_status in (Status.GOING, Status.WAITLIST) or can_edit_event(viewer, event)


def can_view_external_email(viewer: Viewer) -> bool:
    """E-mail addresses of people from outside: organisers (of any series) and coordinators."""
    return viewer.is_authenticated and (is_meetup_coordinator(viewer) or bool(organised_series_ids(viewer)))


# Organising --------------------------------------------------------------------------------------


def can_create_series(viewer: Viewer) -> bool:
    """Coordinators and people who already organise a series start new ones."""
    if not viewer.is_authenticated:
        return False
    return is_meetup_coordinator(viewer) or bool(organised_series_ids(viewer))


def can_edit_series(viewer: Viewer, series: MeetupSeries) -> bool:
    if not viewer.is_authenticated:
        return False
    return is_meetup_coordinator(viewer) or is_organiser(viewer, series.pk)


def can_create_event(viewer: Viewer, series: MeetupSeries) -> bool:
    return can_edit_series(viewer, series)


def can_edit_event(viewer: Viewer, event: MeetupEvent) -> bool:
    if not viewer.is_authenticated:
        return False
    return is_meetup_coordinator(viewer) or is_organiser(viewer, event.series_id)


def can_cancel_event(viewer: Viewer, event: MeetupEvent, now: dt.datetime | None = None) -> bool:
    return can_edit_event(viewer, event) and not event.cancelled and not event.is_past(now)


# Taking part -------------------------------------------------------------------------------------


def can_rsvp(viewer: Viewer, event: MeetupEvent, now: dt.datetime | None = None) -> bool:
    """Answer an event: signed in, the event not cancelled and not over."""
    return viewer.is_authenticated and not event.cancelled and event.ends_at > (now or timezone.now())


# Organisations and people from outside -----------------------------------------------------------


def can_curate_organisations(viewer: Viewer) -> bool:
    return viewer.is_authenticated and is_meetup_coordinator(viewer)


def can_edit_organisation(viewer: Viewer, organisation: Organisation) -> bool:
    return can_curate_organisations(viewer)


def can_edit_external_person(viewer: Viewer, person: ExternalPerson) -> bool:
    return can_curate_organisations(viewer)


# =================================================================================================
# The managers' network and inspiration tandems (the meetup rules are above)
# =================================================================================================
# Access rules of the managers' network and of inspiration tandems (query-free predicates).
#
# They read only the objects' fields and the viewer's cached maps from ``communities.permissions``
# (role map, coordinator reach), so a list can ask them per row for free.
#
# * The network is for people who run communities (owners, managers, moderators) and coordinators.
# * A manager who opted out is not listed and cannot be asked for advice through the network.
# * Tandem suggestions of a community are for its owners and managers and the coordinators who cover
#   it; the other community of a suggestion must be visible to the viewer (secret ones stay hidden).
# * Each side's owners or managers accept or decline for their side; either side's managers log
#   meetings, write and share the learnings, close or leave; coordinators propose and withdraw.
# * Shared learnings are readable by the active members of both communities.

from django.db.models import Q  # noqa: E402

from communities.models import ROLE_RANK, Community, Membership  # noqa: E402
from communities.permissions import (  # noqa: E402
    can_view_community,
    community_ids_where,
    coordinator_reach,
    role_map,
)

from .models import NetworkProfile, Tandem  # noqa: E402

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


def runs_a_community(viewer: Viewer) -> bool:
    """Owner, manager or moderator (active) of at least one community."""
    return bool(viewer.is_authenticated and community_ids_where(viewer, min_role=_Role.MODERATOR))


# The managers' network --------------------------------------------------------------------------


def can_view_network(viewer: Viewer) -> bool:
    return viewer.is_authenticated and (runs_a_community(viewer) or is_coordinator(viewer))


def can_ask_for_advice(viewer: Viewer, manager_id: int, profile: NetworkProfile | None) -> bool:
    """Write to a listed manager through the network: not oneself, not someone who opted out."""
    if not can_view_network(viewer) or manager_id == viewer.user_id:
        return False
    return profile is None or not profile.opted_out


def can_edit_network_profile(viewer: Viewer) -> bool:
    """Managers (and coordinators) choose whether they are listed and what they advise on."""
    return viewer.is_authenticated and (
        bool(community_ids_where(viewer, min_role=_Role.MANAGER)) or is_coordinator(viewer)
    )


# Tandems ----------------------------------------------------------------------------------------


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
