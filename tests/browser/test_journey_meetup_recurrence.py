"""Recurring meetups in a real browser: a coordinator builds the rule with the picker (no RRULE
typed), everyone reads it in words (English and German), and the directory shows the series once
with its next date and how many more follow. At 1280 and 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from meetups.models import MeetupSeries
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.meetups.factories import coordinator

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_coordinator_picks_a_monthly_rule_and_people_read_it_in_words(
    browser, live_server, screenshots_dir: Path, width: int
) -> None:
    signed = sign_in(browser, live_server.url, coordinator())
    page = signed.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/meetups/series/new/")
    page.locator("#id_title").fill("Kotlin Evening")

    # The time zones: the common ones first, by city and offset.
    zone = page.locator("#id_time_zone")
    first_group = zone.locator("optgroup").first
    expect(first_group).to_have_attribute("label", "Common time zones")
    expect(first_group.locator("option").first).to_have_text(re.compile(r"^Berlin \(UTC\+0[12]:00\)$"))
    expect(zone).to_have_value("Europe/Berlin")

    # Dates and times are typed as ISO dates and on a 24-hour clock, whatever the browser's locale.
    expect(page.locator("#id_default_start_time")).to_have_value("18:00")
    expect(page.locator("#id_recurrence_start")).to_have_attribute("placeholder", "YYYY-MM-DD")

    # Only the parts of the chosen repetition show.
    picker = page.locator("[data-recurrence-picker]")
    repeat = page.locator("#id_repeat")
    expect(page.locator("#id_repeat_ordinal")).to_be_hidden()
    repeat.select_option("weekly")
    expect(picker.get_by_text("Every how many weeks")).to_be_visible()
    expect(page.locator("#id_repeat_ordinal")).to_be_hidden()
    repeat.select_option("monthly_weekday")
    expect(page.locator("#id_repeat_interval")).to_be_hidden()
    page.locator("#id_repeat_ordinal").select_option(label="second")
    page.locator("#id_repeat_weekday").select_option(label="Thursday")
    expect(page.locator("#id_repeat_until")).to_be_hidden()
    page.locator("#id_repeat_ends").select_option("count")
    expect(page.locator("#id_repeat_count")).to_be_visible()
    expect(page.locator("#id_repeat_until")).to_be_hidden()
    page.locator("#id_repeat_ends").select_option("never")
    expect(page.locator("#id_recurrence_rule")).to_be_hidden()  # the raw rule is for experts only
    _fits(page)
    picker.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / f"meetup-recurrence-1-picker-{width}.png"), full_page=True)

    page.get_by_role("button", name="Create series").click()
    expect(page.get_by_role("heading", name="Kotlin Evening", level=1)).to_be_visible()
    series = MeetupSeries.objects.get()
    assert series.recurrence_rule == "FREQ=MONTHLY;BYDAY=+2TH"
    expect(page.locator("[data-recurrence]")).to_have_text(
        re.compile(r"^Monthly on the second Thursday, 18:00 \(Europe/Berlin\)$")
    )
    _fits(page)
    page.screenshot(path=str(screenshots_dir / f"meetup-recurrence-2-series-{width}.png"), full_page=True)

    # The directory: one card for the series, however many dates it has.
    dates = series.events.count()
    assert dates >= 2
    page.goto(f"{live_server.url}/meetups/")
    cards = page.locator("#meetup-results [data-event]")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Monthly on the second Thursday")
    more = cards.first.get_by_role("link", name=re.compile(r"more dates?$"))
    more_text = f"{dates - 1} more date" + ("s" if dates > 2 else "")
    expect(more).to_have_text(more_text)
    _fits(page)
    page.screenshot(path=str(screenshots_dir / f"meetup-recurrence-3-directory-{width}.png"), full_page=True)
    more.click()
    expect(page.locator("#series-upcoming [data-event]")).to_have_count(dates)

    # A colleague who reads German sees the same rule in German, and the edit form shows the picker.
    signed.context.close()
    reader = sign_in(browser, live_server.url, UserFactory.create(language="de"))
    reader.page.set_viewport_size({"width": width, "height": 900})
    reader.page.goto(f"{live_server.url}{series.get_absolute_url()}")
    expect(reader.page.locator("[data-recurrence]")).to_contain_text("Jeden zweiten Donnerstag im Monat, 18:00")
    reader.page.goto(f"{live_server.url}/meetups/")
    expect(reader.page.locator("#meetup-results [data-event]").first).to_contain_text(
        re.compile(r"\d+ weitere(r)? Termine?")
    )
    reader.page.screenshot(path=str(screenshots_dir / f"meetup-recurrence-4-directory-de-{width}.png"), full_page=True)
    reader.context.close()


def test_edit_form_shows_the_saved_rule_in_the_picker(browser, live_server, screenshots_dir: Path) -> None:
    boss = coordinator()
    signed = sign_in(browser, live_server.url, boss)
    page = signed.page
    page.goto(f"{live_server.url}/meetups/series/new/")
    page.locator("#id_title").fill("Friday Demos")
    page.locator("#id_repeat").select_option("weekly")
    page.locator("#id_repeat_interval").fill("2")
    page.locator("label[for=id_repeat_weekdays_4]").click()
    page.locator("#id_repeat_ends").select_option("until")
    page.locator("#id_repeat_until").fill("2031-06-30")
    page.get_by_role("button", name="Create series").click()
    expect(page.locator("[data-recurrence]")).to_contain_text("Every other week on Friday, until 30 Jun 2031")
    series = MeetupSeries.objects.get()
    assert series.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20310630T215959Z"

    page.goto(f"{live_server.url}/meetups/series/{series.slug}/edit/")
    expect(page.locator("#id_repeat")).to_have_value("weekly")
    expect(page.locator("#id_repeat_interval")).to_have_value("2")
    expect(page.locator("[data-recurrence-picker] input[value='4']")).to_be_checked()
    expect(page.locator("#id_repeat_until")).to_have_value("2031-06-30")
    expect(page.locator("#id_repeat_ordinal")).to_be_hidden()
    page.screenshot(path=str(screenshots_dir / "meetup-recurrence-5-edit.png"), full_page=True)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("[data-recurrence]")).to_contain_text("Every other week on Friday")
    series.refresh_from_db()
    assert series.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;UNTIL=20310630T215959Z"
    signed.context.close()
