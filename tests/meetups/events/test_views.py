"""The organiser screens end to end through the forms: series, dates, cancelling, answering."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.core.models import AuditEntry
from meetups.models import RSVP, MeetupEvent, MeetupSeries, Organisation
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory, coordinator, make_event
from tests.support.forms import with_key


@pytest.mark.django_db
def test_coordinator_creates_a_recurring_series_and_its_dates_appear(client) -> None:
    boss = coordinator()
    colleague = UserFactory.create(handle="ines.co")
    org = Organisation.objects.create(name="Partner AG")
    client.force_login(boss)
    response = client.post(
        reverse("meetups:series_create"),
        with_key(
            {
                "title": "Frontend Friday",
                "tags": "JavaScript, CSS",
                "description": "Show **and** tell <script>alert(1)</script>",
                "format": "hybrid",
                "city": "Köln",
                "language": "en",
                "organisations": [org.pk],
                "organisers": "@ines.co",
                "recurrence_rule": "FREQ=WEEKLY;BYDAY=FR",
                "default_start_time": "16:00",
                "time_zone": "Europe/Berlin",
                "duration_minutes": "60",
                "default_capacity": "15",
            }
        ),
    )
    series = MeetupSeries.objects.get()
    assert response.status_code == 302 and response["Location"] == series.get_absolute_url()
    assert set(series.organisers.values_list("pk", flat=True)) == {boss.pk, colleague.pk}
    assert "<script>" not in series.description_html and "<strong>and</strong>" in series.description_html
    assert sorted(series.tags.names()) == ["CSS", "JavaScript"]
    assert 12 <= series.events.count() <= 14  # weekly for 90 days
    assert AuditEntry.objects.filter(action="meetup_series.created").count() == 1
    page = client.get(series.get_absolute_url()).content.decode()
    assert "Frontend Friday" in page and "Next dates" in page


@pytest.mark.django_db
def test_series_form_shows_errors_for_a_bad_rule_and_unknown_people(client) -> None:
    client.force_login(coordinator())
    response = client.post(
        reverse("meetups:series_create"),
        with_key(
            {
                "title": "Broken",
                "format": "online",
                "language": "de",
                "organisers": "nobody.here",
                "recurrence_rule": "FREQ=SOMETIMES",
                "default_start_time": "18:00",
                "time_zone": "Europe/Berlin",
                "duration_minutes": "60",
            }
        ),
    )
    assert response.status_code == 200
    assert "Nobody found for: nobody.here" in response.content.decode()
    assert not MeetupSeries.objects.exists()


@pytest.mark.django_db
def test_organiser_adds_edits_and_cancels_a_date(client) -> None:
    organiser = UserFactory.create()
    series = SeriesFactory.create(organisers=[organiser], time_zone="Europe/Berlin")
    client.force_login(organiser)
    day = (timezone.now() + dt.timedelta(days=20)).date()
    data = {
        "date": day.isoformat(),
        "time": "18:15",
        "time_zone": "Europe/Lisbon",
        "duration_minutes": "45",
        "place": "Room 1",
        "capacity": "3",
        "agenda": "1. Hello",
    }
    response = client.post(reverse("meetups:event_create", kwargs={"slug": series.slug}), with_key(data))
    event = MeetupEvent.objects.get()
    assert response.status_code == 302
    local = event.local_start
    assert (local.hour, local.minute, event.time_zone) == (18, 15, "Europe/Lisbon")
    assert "<ol>" in event.agenda_html

    # Same series, same start: refused with a form error, not a 500.
    again = client.post(reverse("meetups:event_create", kwargs={"slug": series.slug}), with_key(data))
    assert again.status_code == 200 and "already has a meetup at that time" in again.content.decode()

    edit = client.post(
        reverse("meetups:event_edit", kwargs={"pk": event.pk}),
        {**data, "recording_url": "https://video.example/r", "notes": "Thanks!"},
    )
    assert edit.status_code == 302
    event.refresh_from_db()
    assert event.recording_url == "https://video.example/r"

    cancel = client.post(reverse("meetups:event_cancel", kwargs={"pk": event.pk}), {"reason": "Room flooded"})
    assert cancel.status_code == 302
    event.refresh_from_db()
    assert event.cancelled
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "meetup_event.created",
        "meetup_event.updated",
        "meetup_event.cancelled",
    ]


@pytest.mark.django_db
def test_rsvp_through_the_page(client) -> None:
    event = make_event(SeriesFactory.create(), capacity=1)
    first, second = UserFactory.create(), UserFactory.create()
    url = reverse("meetups:event_rsvp", kwargs={"pk": event.pk})
    client.force_login(first)
    assert client.post(url, {"status": "going"}).status_code == 302
    assert client.post(url, {"status": "maybe"}).status_code == 400
    assert client.get(url).status_code == 405
    client.force_login(second)
    client.post(url, {"status": "going"})
    assert dict(RSVP.objects.values_list("user_id", "status")) == {first.pk: "going", second.pk: "waitlist"}
    page = client.get(reverse("meetups:event_detail", kwargs={"pk": event.pk})).content.decode()
    assert "Leave the waitlist" in page
