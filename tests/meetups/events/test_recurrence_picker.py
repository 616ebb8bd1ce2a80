"""The series form's recurrence picker end to end, the rule in words on the pages, and the
directory's one entry per series."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetups.events import selectors
from meetups.events.forms import SeriesForm
from meetups.models import MeetupSeries
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory, coordinator, make_event, viewer_of
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db

BASE = {
    "title": "Kotlin Evening",
    "format": "online",
    "language": "en",
    "default_start_time": "18:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": "90",
}


def _create(client, **picker: str | list[str]):
    return client.post(reverse("meetups:series_create"), with_key({**BASE, **picker}))


@pytest.mark.parametrize(
    ("picker", "rule"),
    [
        ({"repeat": "none"}, ""),
        ({"repeat": "weekly", "repeat_interval": "1", "repeat_weekdays": ["4"]}, "FREQ=WEEKLY;BYDAY=FR"),
        (
            {
                "repeat": "weekly",
                "repeat_interval": "2",
                "repeat_weekdays": ["3", "0"],
                "repeat_ends": "count",
                "repeat_count": "6",
            },
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=6",
        ),
        (
            {"repeat": "monthly_weekday", "repeat_ordinal": "2", "repeat_weekday": "3", "repeat_ends": "never"},
            "FREQ=MONTHLY;BYDAY=+2TH",
        ),
        (
            {
                "repeat": "monthly_weekday",
                "repeat_ordinal": "-1",
                "repeat_weekday": "4",
                "repeat_ends": "until",
                "repeat_until": "2031-12-31",
            },
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20311231T225959Z",
        ),
        ({"repeat": "monthly_day", "repeat_month_day": "15"}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        ({"repeat": "custom", "recurrence_rule": "rrule:freq=daily;interval=3"}, "FREQ=DAILY;INTERVAL=3"),
        # Fields of other repetitions are ignored (they stay filled in when people switch).
        (
            {"repeat": "monthly_day", "repeat_month_day": "1", "repeat_weekdays": ["2"], "recurrence_rule": "X"},
            "FREQ=MONTHLY;BYMONTHDAY=1",
        ),
    ],
)
def test_picker_builds_the_rule(client, picker, rule: str) -> None:
    client.force_login(coordinator())
    response = _create(client, **picker)
    series = MeetupSeries.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert series.recurrence_rule == rule


@pytest.mark.parametrize(
    ("picker", "field", "message"),
    [
        ({"repeat": "weekly", "repeat_interval": "1"}, "repeat_weekdays", "Choose at least one weekday."),
        (
            {"repeat": "weekly", "repeat_interval": "13", "repeat_weekdays": ["1"]},
            "repeat_interval",
            "less than or equal to 12",
        ),
        ({"repeat": "monthly_weekday", "repeat_ordinal": "2"}, "repeat_weekday", "Choose a weekday."),
        (
            {"repeat": "monthly_weekday", "repeat_ordinal": "7", "repeat_weekday": "1"},
            "repeat_ordinal",
            "Select a valid choice",
        ),
        ({"repeat": "monthly_day"}, "repeat_month_day", "Choose a day of the month."),
        (
            {"repeat": "monthly_day", "repeat_month_day": "15", "repeat_ends": "until"},
            "repeat_until",
            "Enter the last possible date.",
        ),
        (
            {
                "repeat": "monthly_day",
                "repeat_month_day": "15",
                "repeat_ends": "until",
                "repeat_until": "2030-01-01",
                "recurrence_start": "2030-02-01",
            },
            "repeat_until",
            "cannot be before the first day",
        ),
        (
            {"repeat": "monthly_day", "repeat_month_day": "15", "repeat_ends": "count"},
            "repeat_count",
            "Enter how many dates",
        ),
        ({"repeat": "custom", "recurrence_rule": "FREQ=SOMETIMES"}, "recurrence_rule", "not a valid recurrence rule"),
        ({"repeat": "custom", "recurrence_rule": "FREQ=HOURLY"}, "recurrence_rule", "at most daily"),
    ],
)
def test_picker_answers_bad_input_on_the_form(client, picker, field: str, message: str) -> None:
    client.force_login(coordinator())
    response = _create(client, **picker)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(rf'id="id_{field}_error"[^>]*>[^<]*{re.escape(message)}', page), page[:3000]
    assert not MeetupSeries.objects.exists()


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR",
        "FREQ=MONTHLY;BYDAY=+2TH",
        "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20311231T225959Z",
        "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4",
        "FREQ=YEARLY;BYMONTH=3",  # only the custom field shows it
        "",
    ],
)
def test_edit_form_shows_the_rule_in_the_picker_and_saves_it_unchanged(client, rule: str) -> None:
    organiser = UserFactory.create()
    series = SeriesFactory.create(
        organisers=[organiser], recurrence_rule=rule, recurrence_start=dt.date(2031, 1, 1), time_zone="Europe/Berlin"
    )
    # What the edit page renders is what it posts back.
    initial = SeriesForm.initial_for(series)
    form = SeriesForm(initial=initial)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, ""):
            continue
        if isinstance(value, list):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[name] = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
    client.force_login(organiser)
    edit = client.get(reverse("meetups:series_edit", kwargs={"slug": series.slug}))
    assert edit.status_code == 200
    response = client.post(reverse("meetups:series_edit", kwargs={"slug": series.slug}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    series.refresh_from_db()
    assert series.recurrence_rule == rule


def test_edit_page_selects_the_picker_parts(client) -> None:
    organiser = UserFactory.create()
    series = SeriesFactory.create(organisers=[organiser], recurrence_rule="FREQ=MONTHLY;BYDAY=-1FR")
    client.force_login(organiser)
    page = client.get(reverse("meetups:series_edit", kwargs={"slug": series.slug})).content.decode()
    assert re.search(r'<option value="monthly_weekday" selected>', page)
    assert re.search(r'name="repeat_ordinal"[^>]*>.*?<option value="-1" selected>last</option>', page, re.S)
    assert re.search(r'name="repeat_weekday"[^>]*>.*?<option value="4" selected>Friday</option>', page, re.S)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Monthly on the second Thursday, 18:00"), ("de", "Jeden zweiten Donnerstag im Monat, 18:00")],
)
def test_series_page_shows_the_rule_in_words(client, language: str, words: str) -> None:
    series = SeriesFactory.create(
        recurrence_rule="FREQ=MONTHLY;BYDAY=+2TH", default_start_time=dt.time(18, 0), time_zone="Europe/Berlin"
    )
    client.force_login(UserFactory.create(language=language))
    page = client.get(series.get_absolute_url()).content.decode()
    assert words in page
    assert "<code>" not in page.split('id="about-title"')[1].split("</section>")[0]


# The directory: one entry per series -------------------------------------------------------------


def _weekly_series(title: str, dates: int, *, first_in_days: int = 1, **fields) -> MeetupSeries:
    series = SeriesFactory.create(title=title, recurrence_rule="FREQ=WEEKLY;BYDAY=TH", **fields)
    start = timezone.now() + dt.timedelta(days=first_in_days)
    for week in range(dates):
        make_event(series, starts_at=start + dt.timedelta(weeks=week))
    return series


def _cards(page: str) -> list[str]:
    return re.findall(r'<article class="card[^"]*" data-event="\d+">.*?</article>', page, re.S)


def test_directory_shows_a_series_once_with_its_next_date_and_how_many_more(client) -> None:
    client.force_login(UserFactory.create(language="en"))
    kotlin = _weekly_series("Kotlin Evening", 5)
    _weekly_series("Rust Reading", 1, first_in_days=3)
    past_only = SeriesFactory.create(title="Old Times")
    make_event(past_only, starts_at=timezone.now() - dt.timedelta(days=3))
    page = client.get(reverse("meetups:meetup_list")).content.decode()
    cards = _cards(page)
    assert [("Kotlin Evening" in c, "Rust Reading" in c) for c in cards] == [(True, False), (False, True)]
    first = kotlin.events.earliest("starts_at")
    assert f'data-event="{first.pk}"' in cards[0]
    assert "4 more dates" in cards[0] and "Weekly on Thursday" in cards[0]
    assert reverse("meetups:series_detail", kwargs={"slug": kotlin.slug}) in cards[0]
    assert "more date" not in cards[1]


def test_directory_counts_only_the_dates_that_match_the_filters(client) -> None:
    client.force_login(UserFactory.create(language="de"))
    _weekly_series("Kotlin Evening", 6)
    to = (timezone.localdate() + dt.timedelta(days=10)).isoformat()  # the first two Thursdays
    page = client.get(reverse("meetups:meetup_list") + f"?date_to={to}").content.decode()
    (card,) = _cards(page)
    assert "1 weiterer Termin" in card and "Jeden Donnerstag" in card


def test_past_tab_still_lists_every_date(client) -> None:
    client.force_login(UserFactory.create(language="en"))
    series = SeriesFactory.create(title="Kotlin Evening")
    for week in range(1, 4):
        make_event(series, starts_at=timezone.now() - dt.timedelta(weeks=week))
    page = client.get(reverse("meetups:meetup_list") + "?tab=past").content.decode()
    assert len(_cards(page)) == 3


def test_directory_pages_through_series_not_dates() -> None:
    for i in range(3):
        _weekly_series(f"Series {i}", 4, first_in_days=i + 1)
    me = UserFactory.create()
    first = selectors.event_list_for_directory(viewer=viewer_of(me), filters=selectors.DirectoryFilters(), page_size=2)
    assert [e.series.title for e in first] == ["Series 0", "Series 1"]
    assert [e.more_dates for e in first] == [3, 3]
    second = selectors.event_list_for_directory(
        viewer=viewer_of(me), filters=selectors.DirectoryFilters(), cursor=first.next_cursor, page_size=2
    )
    assert [e.series.title for e in second] == ["Series 2"] and second.next_cursor is None


def test_event_page_names_the_series_rule_in_words(client) -> None:
    series = SeriesFactory.create(recurrence_rule="FREQ=MONTHLY;BYDAY=-1FR")
    event = make_event(series)
    client.force_login(UserFactory.create(language="de"))
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Jeden letzten Freitag im Monat" in page
    assert page.count("FREQ=") == page.count('data-recurrence="FREQ=')  # the raw rule is never shown
