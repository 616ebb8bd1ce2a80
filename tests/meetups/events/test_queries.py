"""Pinned, size-independent query counts of the directory pages and the selectors."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from meetups.events import services
from meetups.events.selectors import meetups_attended_by_users
from meetups.models import RSVP
from tests.factories import UserFactory
from tests.meetups.factories import ExternalPersonFactory, OrganisationFactory, SeriesFactory, make_event, viewer_of
from tests.support.queries import assert_constant_queries

_n = itertools.count()


@pytest.fixture
def me(db):
    return UserFactory.create()


def _add_series_with_events(n: int, *, me, past: bool = False) -> None:
    for _ in range(n):
        i = next(_n)
        series = SeriesFactory.create(topics=[f"topic{i}", "python"], organisers=[UserFactory.create()])
        series.organisations.add(OrganisationFactory.create())
        series.external_organisers.add(ExternalPersonFactory.create())
        delta = dt.timedelta(days=-(i % 5) - 2 if past else (i % 5) + 2, hours=i)
        event = make_event(series, starts_at=timezone.now() + delta, capacity=10, recording_url="https://v.example/1")
        if not past:
            services.rsvp_set(actor=viewer_of(me), event_id=event.pk, status=RSVP.Status.GOING)
            services.rsvp_set(actor=viewer_of(UserFactory.create()), event_id=event.pk, status=RSVP.Status.GOING)


# The user (1; the session is cached), the page, its topics and organisations (3), the filter
# choices: topics, organisations, cities (3), the viewer's coordinator permission and organised
# series (2, for the header buttons).
DIRECTORY_QUERIES = 9


@pytest.mark.parametrize("tab", ["upcoming", "past"])
def test_directory_costs_the_same_for_one_or_many_events(client, me, tab: str) -> None:
    client.force_login(me)
    url = reverse("meetups:meetup_list") + f"?tab={tab}"

    def action() -> None:
        response = client.get(url)
        assert response.status_code == 200

    assert_constant_queries(
        add_rows=lambda n: _add_series_with_events(n, me=me, past=tab == "past"),
        action=action,
        small=1,
        large=7,
        expected=DIRECTORY_QUERIES,
    )


def test_filtered_directory_costs_the_same(client, me) -> None:
    client.force_login(me)
    url = reverse("meetups:meetup_list") + "?q=series&topic=python&city=Berlin&format=on_site"

    def action() -> None:
        assert client.get(url).status_code == 200

    assert_constant_queries(
        add_rows=lambda n: _add_series_with_events(n, me=me), action=action, expected=DIRECTORY_QUERIES
    )


def test_grouped_directory_costs_the_same_for_one_or_many_dates_of_a_series(client, me) -> None:
    """The upcoming tab shows a series once ("3 more dates"): its dates add no query."""
    client.force_login(me)
    series = SeriesFactory.create(
        topics=["go"], organisers=[UserFactory.create()], recurrence_rule="FREQ=WEEKLY;BYDAY=TH"
    )
    series.organisations.add(OrganisationFactory.create())
    other = SeriesFactory.create(topics=["rust"])
    make_event(other, starts_at=timezone.now() + dt.timedelta(days=2))
    url = reverse("meetups:meetup_list")

    def add(n: int) -> None:
        for _ in range(n):
            make_event(series, starts_at=timezone.now() + dt.timedelta(days=next(_n) + 1, hours=3))

    def action() -> None:
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("data-event=") == 2

    assert_constant_queries(add_rows=add, action=action, small=1, large=8, expected=DIRECTORY_QUERIES)


def test_series_page_costs_the_same_for_one_or_many_dates(client, me) -> None:
    client.force_login(me)
    series = SeriesFactory.create(topics=["go", "rust"], organisers=[UserFactory.create()])
    series.organisations.add(OrganisationFactory.create())
    series.external_organisers.add(ExternalPersonFactory.create())
    url = reverse("meetups:series_detail", kwargs={"slug": series.slug})

    def add(n: int) -> None:
        for _ in range(n):
            i = next(_n)
            make_event(series, starts_at=timezone.now() + dt.timedelta(days=i + 1))
            make_event(series, starts_at=timezone.now() - dt.timedelta(days=i + 1))

    def action() -> None:
        assert client.get(url).status_code == 200

    # The user (1), the series and its four prefetches (5), upcoming and past dates (2), the
    # viewer's coordinator permission and organised series (2).
    assert_constant_queries(add_rows=add, action=action, expected=10)


def test_event_page_costs_the_same_for_one_or_many_attendees(client, me) -> None:
    series = SeriesFactory.create(topics=["kotlin"], organisers=[me])
    series.organisations.add(OrganisationFactory.create())
    series.external_organisers.add(ExternalPersonFactory.create())
    event = make_event(series, capacity=3)
    event.speakers.add(ExternalPersonFactory.create())
    client.force_login(me)
    url = reverse("meetups:event_detail", kwargs={"pk": event.pk})

    def add(n: int) -> None:
        for _ in range(n):
            services.rsvp_set(actor=viewer_of(UserFactory.create()), event_id=event.pk, status=RSVP.Status.GOING)

    def action() -> None:
        assert client.get(url).status_code == 200

    # The user (1), the event and its five prefetches (6), my answer (1), the coordinator
    # permission and organised series (2), the attendees with their profiles (1).
    assert_constant_queries(add_rows=add, action=action, expected=11)


def test_calendar_feed_costs_the_same_for_one_or_many_events(client, me) -> None:
    feed = services.calendar_feed_get_or_create(actor=viewer_of(me))
    url = reverse("meetups:calendar_feed", kwargs={"token": feed.token})

    def add(n: int) -> None:
        for _ in range(n):
            event = make_event(SeriesFactory.create(), starts_at=timezone.now() + dt.timedelta(days=next(_n) + 1))
            services.rsvp_set(actor=viewer_of(me), event_id=event.pk, status=RSVP.Status.GOING)

    def action() -> None:
        assert client.get(url).status_code == 200

    assert_constant_queries(add_rows=add, action=action, expected=2)


def test_meetups_attended_by_users_is_one_query(db, django_assert_num_queries) -> None:
    people = [UserFactory.create() for _ in range(3)]
    python = SeriesFactory.create(title="Python Pub")
    data = SeriesFactory.create(title="Data Dinner")
    never = SeriesFactory.create(title="Never Met")
    for series in (python, data):
        for days in (10, 20):
            event = make_event(series, starts_at=timezone.now() + dt.timedelta(days=1))
            for person in people[:2]:
                services.rsvp_set(actor=viewer_of(person), event_id=event.pk, status=RSVP.Status.GOING)
            event.starts_at = timezone.now() - dt.timedelta(days=days)
            event.ends_at = event.starts_at + dt.timedelta(hours=1)
            event.save(update_fields=["starts_at", "ends_at"])
    future = make_event(never)
    services.rsvp_set(actor=viewer_of(people[2]), event_id=future.pk, status=RSVP.Status.GOING)
    ids = [p.pk for p in people]

    with django_assert_num_queries(1):
        result = meetups_attended_by_users(ids)
        titles = {uid: [s.title for s in series] for uid, series in result.items()}

    assert titles == {people[0].pk: ["Data Dinner", "Python Pub"], people[1].pk: ["Data Dinner", "Python Pub"]}
    with django_assert_num_queries(0):
        assert meetups_attended_by_users([]) == {}
