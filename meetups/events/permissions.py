"""Access rules of meetup series, their events and answers, as query-free predicates with twins.

Predicates read only the object's fields and two maps cached on the :class:`Viewer`:

* ``meetups.organised_series``: the ids of the series the viewer organises (one query, cached);
* the coordinator maps of communities (:func:`communities.api.is_coordinator`, through
  :func:`meetups.organisations.permissions.is_meetup_coordinator`).

Every signed-in employee browses the directory and answers invitations; organisers of a series and
coordinators create and edit its events. Who curates organisations and people from outside is in
:mod:`meetups.organisations.permissions`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from intranet.core.viewer import Viewer
from meetups.organisations.permissions import can_view_external_email as organisations_can_view_external_email
from meetups.organisations.permissions import is_meetup_coordinator

from .models import RSVP, MeetupEvent, MeetupSeries

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


def organises_any_series(viewer: Viewer) -> bool:
    """Organisers (of any series) see the e-mail addresses of people from outside; registered with
    organisations' rule from ``MeetupsConfig.ready()``."""
    return bool(organised_series_ids(viewer))


def can_view_external_email(viewer: Viewer) -> bool:
    """E-mail addresses of people from outside: organisers (of any series) and coordinators."""
    return organisations_can_view_external_email(viewer)


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
