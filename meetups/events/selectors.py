"""Reads of meetup series and events: one selector per screen, each with a fixed number of queries.

Access selectors fetch through the ``visible_*`` twins of :mod:`meetups.events.permissions` and
raise ``Http404`` for missing and forbidden alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from intranet.accounts.models import User
from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer
from meetups.organisations.models import ExternalPerson, Organisation
from meetups.organisations.selectors import organisation_list_for_filter

from . import permissions as perms
from .models import RSVP, CalendarFeed, MeetupEvent, MeetupSeries, MeetupTag, search_filter

MAX_QUERY_LENGTH = 100
PAGE_SIZE = 20
FEED_PAST_DAYS = 60
FEED_LIMIT = 500

Status = RSVP.Status


class Tab:
    UPCOMING = "upcoming"
    PAST = "past"
    choices = (UPCOMING, PAST)


@dataclass(frozen=True)
class DirectoryFilters:
    tab: str = Tab.UPCOMING
    query: str = ""
    topic: str = ""
    city: str = ""
    format: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    organisation: int | None = None

    @property
    def is_filtered(self) -> bool:
        return any([self.query, self.topic, self.city, self.format, self.date_from, self.date_to, self.organisation])


@dataclass
class DirectoryChoices:
    topics: list[MeetupTag] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)


def _my_status(viewer: Viewer) -> Subquery:
    return Subquery(RSVP.objects.filter(event=OuterRef("pk"), user_id=viewer.user_id or 0).values("status")[:1])


def _series_card_prefetches() -> list[Prefetch[str]]:
    return [
        # taggit's prefetcher takes no custom queryset; templates sort the few topics by name.
        Prefetch("series__tags"),
        Prefetch("series__organisations", queryset=Organisation.objects.order_by("name")),
    ]


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def event_list_for_directory(
    *,
    viewer: Viewer,
    filters: DirectoryFilters,
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page[MeetupEvent]:
    """One page of events for the directory: upcoming (soonest first) or past (latest first).

    Upcoming, a series shows once: its next matching date, with ``more_dates`` counting its other
    matching dates (the card says "3 more dates"). Past dates are listed one by one (each has its
    own notes and recording).

    Three queries whatever the page size: the page (with the series and the viewer's own answer
    as an annotation), the topics and the organisations of the page's series.
    Raises ``InvalidCursor`` for a cursor that does not fit.
    """
    now = now or timezone.now()
    qs = perms.visible_events(viewer, MeetupEvent.objects.all()).select_related("series")
    if filters.tab == Tab.PAST:
        qs = qs.filter(ends_at__lt=now)
        ordering: tuple[str, ...] = ("-starts_at", "-id")
    else:
        qs = qs.filter(ends_at__gte=now)
        ordering = ("starts_at", "id")
    if filters.query:
        condition, _query = search_filter(filters.query[:MAX_QUERY_LENGTH], prefix="series__")
        qs = qs.filter(condition)
    if filters.topic:
        qs = qs.filter(series__tags__slug=filters.topic)
    if filters.city:
        qs = qs.filter(series__city__iexact=filters.city)
    if filters.format:
        qs = qs.filter(series__format=filters.format)
    if filters.organisation:
        qs = qs.filter(series__organisations__id=filters.organisation)
    if filters.date_from:
        qs = qs.filter(starts_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(starts_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.tab != Tab.PAST:
        qs = _next_date_per_series(qs)
    qs = qs.annotate(my_status=_my_status(viewer)).prefetch_related(*_series_card_prefetches())
    return keyset_page(qs, ordering=ordering, cursor=cursor, page_size=page_size)


def _next_date_per_series(matching: QuerySet[MeetupEvent]) -> QuerySet[MeetupEvent]:
    """Of ``matching`` events, only each series' first, annotated with ``more_dates``: how many
    other matching dates the series has. Both are subqueries of the page's one query, so the cost
    does not grow with the dates of a series."""
    first = matching.order_by("series_id", "starts_at", "id").distinct("series_id").values("id")
    others = (
        matching.filter(series_id=OuterRef("series_id"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("series_id")
        .annotate(n=Count("id", distinct=True))
        .values("n")
    )
    return matching.filter(pk__in=Subquery(first)).annotate(more_dates=Coalesce(Subquery(others), 0))


def directory_choices() -> DirectoryChoices:
    """The topics, organisations and cities the directory filters offer (three queries)."""
    return DirectoryChoices(
        topics=list(MeetupTag.objects.filter(tagged_series__isnull=False).distinct().order_by("name")),
        organisations=organisation_list_for_filter(),
        cities=list(MeetupSeries.objects.exclude(city="").order_by("city").values_list("city", flat=True).distinct()),
    )


# Series -------------------------------------------------------------------------------------------


@dataclass
class SeriesDetail:
    series: MeetupSeries
    upcoming: list[MeetupEvent]
    past: list[MeetupEvent]


def series_get_for_viewer(*, viewer: Viewer, slug: str, limit: int = 12) -> SeriesDetail:
    """A series with its topics, organisations, organisers and its next and latest dates."""
    series = (
        perms.visible_series(viewer, MeetupSeries.objects.all())
        .prefetch_related(  # type: ignore[misc]  # taggit's manager prefetches; the stubs miss it
            "tags",
            Prefetch("organisations", queryset=Organisation.objects.order_by("name")),
            Prefetch("organisers", queryset=User.objects.select_related("profile")),
            Prefetch("external_organisers", queryset=ExternalPerson.objects.select_related("organisation")),
        )
        .filter(slug=slug)
        .first()
    )
    if series is None:
        raise Http404
    now = timezone.now()
    events = MeetupEvent.objects.filter(series=series).annotate(my_status=_my_status(viewer))
    upcoming = list(events.upcoming(now).order_by("starts_at", "id")[:limit])
    past = list(events.past(now).order_by("-starts_at", "-id")[:limit])
    for event in [*upcoming, *past]:
        event.series = series
    return SeriesDetail(series=series, upcoming=upcoming, past=past)


def colleagues_by_handle_or_email(tokens: Sequence[str]) -> tuple[list[User], list[str]]:
    """Active people named by handle or e-mail address (one query), and the tokens nobody matched."""
    users = list(
        User.objects.filter(Q(handle__in=tokens) | Q(email__in=[t.lower() for t in tokens if "@" in t]), is_active=True)
    )
    found = {u.handle.lower() for u in users} | {u.email.lower() for u in users}
    return users, [t for t in tokens if t.lower() not in found]


def series_for_edit(*, viewer: Viewer, slug: str) -> MeetupSeries:
    series = (
        perms.visible_series(viewer, MeetupSeries.objects.all())
        .prefetch_related("tags", "organisations", "organisers", "external_organisers")  # type: ignore[misc]
        .filter(slug=slug)
        .first()
    )
    if series is None:
        raise Http404
    return series


# Events -------------------------------------------------------------------------------------------


@dataclass
class EventDetail:
    event: MeetupEvent
    my_rsvp: RSVP | None
    attendees: list[RSVP] | None  # None: the viewer may not see who comes

    @property
    def my_status(self) -> str | None:
        return self.my_rsvp.status if self.my_rsvp else None

    @property
    def going(self) -> list[RSVP]:
        return [r for r in self.attendees or [] if r.status == Status.GOING]

    @property
    def waitlist(self) -> list[RSVP]:
        return [r for r in self.attendees or [] if r.status == Status.WAITLIST]


def event_get(*, viewer: Viewer, pk: int) -> MeetupEvent:
    """The event (with its series) if the viewer may see it; ``Http404`` otherwise."""
    event = perms.visible_events(viewer, MeetupEvent.objects.select_related("series")).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def event_get_for_viewer(*, viewer: Viewer, pk: int) -> EventDetail:
    """An event page: the event, its series' organisations and topics, guests, the viewer's answer,
    and the list of who comes when the viewer may see it."""
    event = (
        perms.visible_events(viewer, MeetupEvent.objects.select_related("series"))
        .prefetch_related(
            *_series_card_prefetches(),
            Prefetch("series__organisers", queryset=User.objects.select_related("profile")),
            Prefetch("series__external_organisers", queryset=ExternalPerson.objects.select_related("organisation")),
            Prefetch("speakers", queryset=ExternalPerson.objects.select_related("organisation")),
        )
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    my_rsvp = RSVP.objects.filter(event=event, user_id=viewer.user_id or 0).first() if viewer.user_id else None
    attendees = None
    if perms.can_view_attendees(viewer, event, my_rsvp.status if my_rsvp else None):
        attendees = list(
            RSVP.objects.filter(event=event, status__in=[Status.GOING, Status.WAITLIST])
            .select_related("user__profile")
            .order_by("status", "sequence", "id")
        )
    return EventDetail(event=event, my_rsvp=my_rsvp, attendees=attendees)


# Calendar feeds ------------------------------------------------------------------------------------


def events_for_feed(*, token: str, now: dt.datetime | None = None) -> tuple[int, list[MeetupEvent]]:
    """The owner of the feed ``token`` and the events they are going to (recent and coming ones,
    cancelled ones included so calendars show the cancellation). ``Http404`` for an unknown token
    or a deactivated owner. Two queries."""
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).only("user_id").first()
    if feed is None:
        raise Http404
    since = (now or timezone.now()) - dt.timedelta(days=FEED_PAST_DAYS)
    events = list(
        MeetupEvent.objects.filter(rsvps__user_id=feed.user_id, rsvps__status=Status.GOING, starts_at__gte=since)
        .select_related("series")
        .order_by("starts_at", "id")[:FEED_LIMIT]
    )
    return feed.user_id, events


# Contracts for other parts -----------------------------------------------------------------------


def meetups_attended_by_users(user_ids: Iterable[int]) -> dict[int, list[MeetupSeries]]:
    """``{user_id: [series, ...]}``: the series whose meetups each person went to (answered
    "going" to a date that has started and was not cancelled), by title. One query."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return {}
    rows = (
        MeetupSeries.objects.filter(
            events__rsvps__user_id__in=ids,
            events__rsvps__status=Status.GOING,
            events__cancelled=False,
            events__starts_at__lte=timezone.now(),
        )
        .annotate(attendee_id=F("events__rsvps__user_id"))
        .defer("search_vector", "description", "description_html")
        .order_by("title", "id")
    )
    result: dict[int, list[MeetupSeries]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for series in rows:
        key = (series.attendee_id, series.pk)  # type: ignore[attr-defined]
        if key in seen:
            continue
        seen.add(key)
        result[series.attendee_id].append(series)  # type: ignore[attr-defined]
    return dict(result)
