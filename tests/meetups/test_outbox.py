"""Meetups' side effects go through the outbox: every event has its subscriber, and a broker
outage delays notifications without losing them."""

from __future__ import annotations

import datetime as dt

import pytest
from kombu.exceptions import OperationalError

from intranet.core import outbox
from intranet.core.models import OutboxEvent
from intranet.notifications.models import Notification
from meetups.events import services
from meetups.models import RSVP
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory, coordinator, make_event, viewer_of

EXPECTED = {
    "rsvp.promoted": [("meetups.events.notify_promoted", "queued")],
    "meetup.cancelled": [("meetups.events.notify_cancelled", "queued")],
    "rsvp.reminded": [("meetups.events.notify_reminder", "queued")],
    **{
        f"tandem.{name}": [("meetups.tandems.notify", "queued")]
        for name in (
            "proposed",
            "accepted",
            "started",
            "declined",
            "withdrawn",
            "closed",
            "meeting_logged",
            "learnings_shared",
        )
    },
}


def test_every_meetups_event_has_its_subscriber() -> None:
    subscriptions = outbox.subscription_map()
    assert {name: subscriptions.get(name) for name in EXPECTED} == EXPECTED


@pytest.mark.django_db
def test_a_broker_outage_delays_the_cancellation_notice_but_loses_nothing(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    event = make_event(SeriesFactory.create(title="Rust Evening"))
    guest = UserFactory.create()
    services.rsvp_set(actor=viewer_of(guest), event_id=event.pk, status=RSVP.Status.GOING)

    def broker_down(event_id: int, sub: outbox.Subscriber) -> None:
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(outbox, "_eager", lambda: False)  # a real broker, not Celery's inline mode
    monkeypatch.setattr(outbox, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=viewer_of(coordinator()), event=event, reason="Speaker ill")
    recorded = OutboxEvent.objects.get(name="meetup.cancelled")
    assert recorded.relayed_at is None
    assert not Notification.objects.filter(kind="meetup.cancelled").exists()

    monkeypatch.undo()
    assert outbox.relay_pending(older_than=dt.timedelta(0)) == 1
    assert list(Notification.objects.filter(kind="meetup.cancelled").values_list("recipient_id", flat=True)) == [
        guest.pk
    ]
    recorded.refresh_from_db()
    assert recorded.relayed_at is not None
    # A second sweep (it may relay the notification's own event) notifies nobody twice.
    outbox.relay_pending(older_than=dt.timedelta(0))
    assert Notification.objects.filter(kind="meetup.cancelled").count() == 1
