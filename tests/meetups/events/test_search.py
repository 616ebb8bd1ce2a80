"""Finding meetups: full-text and typo-tolerant search, filters, tabs and keyset pages.

Upcoming, a series shows once: its next matching date (``python_later`` folds into ``python_next``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetups.events.selectors import DirectoryFilters, Tab, event_list_for_directory
from tests.factories import UserFactory
from tests.meetups.factories import OrganisationFactory, SeriesFactory, make_event, viewer_of

NOW = timezone.now()


@pytest.fixture
def catalogue(db):
    acme = OrganisationFactory.create(name="Acme Labs")
    python = SeriesFactory.create(
        title="Python Usergroup", description="Talks about typing and packaging", city="Berlin", topics=["Python"]
    )
    python.organisations.add(acme)
    data = SeriesFactory.create(
        title="Datenkompetenz Stammtisch",
        description="Wir sprechen über Dashboards",
        city="München",
        format="online",
        topics=["Data"],
    )
    hybrid = SeriesFactory.create(title="Community Managers Circle", city="Berlin", format="hybrid", topics=["CM"])
    events = {
        "python_next": make_event(python, starts_at=NOW + dt.timedelta(days=3)),
        "python_later": make_event(python, starts_at=NOW + dt.timedelta(days=40)),
        "python_past": make_event(python, starts_at=NOW - dt.timedelta(days=5), recording_url="https://v.example/p"),
        "data_next": make_event(data, starts_at=NOW + dt.timedelta(days=10)),
        "hybrid_next": make_event(hybrid, starts_at=NOW + dt.timedelta(days=1)),
    }
    return {"acme": acme, **events}


def today_plus(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _titles(viewer, **filters) -> list[int]:
    page = event_list_for_directory(viewer=viewer, filters=DirectoryFilters(**filters))
    return [e.pk for e in page]


def test_upcoming_soonest_first_and_past_latest_first(catalogue) -> None:
    viewer = viewer_of(UserFactory.create())
    c = catalogue
    assert _titles(viewer) == [c["hybrid_next"].pk, c["python_next"].pk, c["data_next"].pk]
    page = event_list_for_directory(viewer=viewer, filters=DirectoryFilters())
    assert [e.more_dates for e in page] == [0, 1, 0]  # type: ignore[attr-defined]
    assert _titles(viewer, tab=Tab.PAST) == [c["python_past"].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("python", ["python_next"]),
        ("packaging", ["python_next"]),  # description, English stemming
        ("Dashboard", ["data_next"]),  # German stemming of "Dashboards"
        ("Pyhton Usergroup", ["python_next"]),  # typo in the title: trigram
        ("nothing like this", []),
    ],
)
def test_search(catalogue, query: str, expected: list[str]) -> None:
    viewer = viewer_of(UserFactory.create())
    assert _titles(viewer, query=query) == [catalogue[k].pk for k in expected]


def test_filters(catalogue) -> None:
    viewer = viewer_of(UserFactory.create())
    c = catalogue
    assert _titles(viewer, topic="data") == [c["data_next"].pk]
    assert _titles(viewer, city="berlin") == [c["hybrid_next"].pk, c["python_next"].pk]
    assert _titles(viewer, format="online") == [c["data_next"].pk]
    assert _titles(viewer, organisation=c["acme"].pk) == [c["python_next"].pk]
    # A date range that leaves out the next date shows the later one in its place.
    assert _titles(viewer, topic="python", date_from=today_plus(20)) == [c["python_later"].pk]
    today = timezone.localdate()
    assert _titles(viewer, date_from=today + dt.timedelta(days=2), date_to=today + dt.timedelta(days=11)) == [
        c["python_next"].pk,
        c["data_next"].pk,
    ]
    assert _titles(viewer, topic="python", tab=Tab.PAST) == [c["python_past"].pk]


def test_keyset_pages_cover_everything_once(db) -> None:
    series = SeriesFactory.create()
    start = dt.datetime(2040, 1, 1, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    # Several events at the same time in different series: the id breaks the tie.
    made = [make_event(SeriesFactory.create(), starts_at=start) for _ in range(3)]
    made += [make_event(series, starts_at=start + dt.timedelta(days=i)) for i in range(1, 5)]
    viewer = viewer_of(UserFactory.create())
    seen: list[int] = []
    more: list[int] = []
    cursor = None
    while True:
        page = event_list_for_directory(viewer=viewer, filters=DirectoryFilters(), cursor=cursor, page_size=2)
        seen += [e.pk for e in page]
        more += [e.more_dates for e in page]  # type: ignore[attr-defined]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    # Every single date once, and the series of four dates once, by its first date.
    assert seen == [e.pk for e in sorted(made[:4], key=lambda e: (e.starts_at, e.pk))]
    assert more == [0, 0, 0, 3]


def test_directory_page_filters_by_topic_and_shows_tabs(client, catalogue) -> None:
    client.force_login(UserFactory.create())
    response = client.get(reverse("meetups:meetup_list") + "?topic=python")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-event=") == 1 and "1 more date" in page
    assert "Datenkompetenz" not in page.split('id="meetup-results"')[1]
    past = client.get(reverse("meetups:meetup_list") + "?tab=past").content.decode()
    assert "https://v.example/p" in past  # past meetups show their recording
    assert client.get(reverse("meetups:meetup_list") + "?cursor=garbage").status_code == 400
    assert client.get(reverse("meetups:meetup_list") + "?q=zzzzqqq").content.decode().count("data-event=") == 0


def test_anonymous_people_are_sent_to_sign_in(client, catalogue) -> None:
    assert client.get(reverse("meetups:meetup_list")).status_code == 302
    assert event_list_for_directory(viewer=viewer_of(None), filters=DirectoryFilters()).items == []
