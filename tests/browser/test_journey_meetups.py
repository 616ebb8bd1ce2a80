"""The meetup journey in a real browser: find a meetup by topic, say yes, download its calendar
file and read it back; then the same on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from meetups.models import RSVP, MeetupEvent, Organisation
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.meetups.factories import ExternalPersonFactory, SeriesFactory, make_event

pytestmark = pytest.mark.django_db(transaction=True)

BERLIN = ZoneInfo("Europe/Berlin")


def _catalogue() -> MeetupEvent:
    organiser = UserFactory.create(display_name="Olivia Organiser")
    home = Organisation.objects.create(name="Intranet AG", kind="home", city="Stuttgart")
    kotlin = SeriesFactory.create(
        title="Kotlin Evening Stuttgart",
        city="Stuttgart",
        format="hybrid",
        topics=["Kotlin", "Mobile"],
        organisers=[organiser],
        description="Talks **and** pizza.",
        description_html="<p>Talks <strong>and</strong> pizza.</p>",
    )
    kotlin.organisations.add(home)
    kotlin.external_organisers.add(ExternalPersonFactory.create(name="Dr. Petra Gast"))
    SeriesFactory.create(title="Rust Reading Group", topics=["Rust"], city="Berlin")
    start = (dt.datetime.now(BERLIN) + dt.timedelta(days=9)).replace(hour=18, minute=30, second=0, microsecond=0)
    event = make_event(kotlin, starts_at=start, capacity=2, place="Forum, Building 7", duration_minutes=120)
    make_event(
        kotlin,
        starts_at=start - dt.timedelta(days=40),
        recording_url="https://video.example/kotlin-1",
        notes_html="<p>Slides are online.</p>",
    )
    return event


def test_find_by_topic_rsvp_and_download_the_calendar_file(browser, live_server, screenshots_dir: Path) -> None:
    event = _catalogue()
    me = UserFactory.create(display_name="Mara Meier")
    signed = sign_in(browser, live_server.url, me)
    page = signed.page

    page.goto(f"{live_server.url}/meetups/")
    expect(page.get_by_role("heading", name="Meetups")).to_be_visible()
    page.get_by_label("Topic").select_option(label="Kotlin")
    page.get_by_role("search", name="Find meetups").get_by_role("button", name="Search").click()
    results = page.locator("#meetup-results [data-event]")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Kotlin Evening Stuttgart")
    expect(results.first).to_contain_text("2 seats left")
    page.screenshot(path=str(screenshots_dir / "journey-meetups-1-directory.png"), full_page=True)

    results.first.get_by_role("link", name="Kotlin Evening Stuttgart").click()
    expect(page.get_by_role("heading", name="Kotlin Evening Stuttgart", level=1)).to_be_visible()
    expect(page.locator("#event-attendees")).to_contain_text("visible to people who are going")
    page.locator("#rsvp-going").click()
    expect(page.get_by_text("You are going. See you there!")).to_be_visible()
    expect(page.locator("#event-attendees")).to_contain_text("Mara Meier")
    expect(page.locator("[data-rsvp=going]")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "journey-meetups-2-going.png"), full_page=True)
    assert RSVP.objects.get(event=event, user=me).status == RSVP.Status.GOING

    with page.expect_download() as info:
        page.locator("#event-ics").click()
    download = info.value
    assert download.suggested_filename == f"meetup-{event.pk}.ics"
    path = Path(download.path())
    calendar = Calendar.from_ical(path.read_bytes())
    (vevent,) = list(calendar.walk("VEVENT"))
    start = vevent.decoded("DTSTART")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert (start.hour, start.minute) == (18, 30)
    assert start == event.starts_at
    assert vevent.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(vevent["SUMMARY"]) == "Kotlin Evening Stuttgart"
    assert str(vevent["LOCATION"]) == "Forum, Building 7"

    # The series page lists the next and the past dates.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Kotlin Evening Stuttgart").click()
    expect(page.locator("#series-upcoming [data-event]")).to_have_count(1)
    expect(page.locator("#series-past")).to_contain_text("Recording")
    page.screenshot(path=str(screenshots_dir / "journey-meetups-2b-series.png"), full_page=True)

    # The past tab shows the recording of the earlier date.
    page.goto(f"{live_server.url}/meetups/?tab=past")
    expect(page.locator("#meetup-results")).to_contain_text("Recording")
    page.screenshot(path=str(screenshots_dir / "journey-meetups-3-past.png"), full_page=True)

    # The personal calendar address.
    page.goto(f"{live_server.url}/meetups/calendar/")
    feed_url = page.locator("#feed-url").input_value()
    assert "/meetups/calendar/" in feed_url and feed_url.endswith(".ics")
    page.screenshot(path=str(screenshots_dir / "journey-meetups-4-feed.png"), full_page=True)
    signed.context.close()


def test_phone_layout_and_full_event(browser, live_server, screenshots_dir: Path) -> None:
    event = _catalogue()
    for person in (UserFactory.create(), UserFactory.create()):
        from intranet.core.viewer import Viewer
        from meetups.events.services import rsvp_set

        rsvp_set(actor=Viewer(person), event_id=event.pk, status=RSVP.Status.GOING)
    me = UserFactory.create()
    signed = sign_in(browser, live_server.url, me)
    signed.page.set_viewport_size({"width": 390, "height": 844})
    page = signed.page
    page.goto(f"{live_server.url}/meetups/")
    expect(page.locator("#meetup-results")).to_contain_text("Full: waitlist")
    page.screenshot(path=str(screenshots_dir / "journey-meetups-5-phone-directory.png"), full_page=True)
    page.goto(f"{live_server.url}/meetups/events/{event.pk}/")
    page.locator("#rsvp-going").click()
    expect(page.get_by_text("you are on the waitlist")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "journey-meetups-6-phone-waitlist.png"), full_page=True)
    assert RSVP.objects.get(event=event, user=me).status == RSVP.Status.WAITLIST
    signed.context.close()
