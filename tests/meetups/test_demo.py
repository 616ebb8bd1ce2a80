"""The demo seed of meetups: idempotent, seat-safe."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from meetups import demo
from meetups.models import RSVP, MeetupEvent, MeetupSeries, Organisation
from tests.factories import UserFactory


@pytest.mark.django_db
def test_demo_seed_is_idempotent() -> None:
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "no demo people" in out.getvalue()
    for i in range(30):
        UserFactory.create(email=f"person{i}@demo.intranet.test")
    demo.seed(stdout=io.StringIO())
    counts = (Organisation.objects.count(), MeetupSeries.objects.count(), MeetupEvent.objects.count())
    rsvps = RSVP.objects.count()
    assert counts[0] == 4 and counts[1] == 4 and counts[2] > 12 and rsvps > 10
    assert MeetupEvent.objects.filter(recording_url__gt="", ends_at__lt=timezone.now()).exists()
    demo.seed(stdout=io.StringIO())
    assert (Organisation.objects.count(), MeetupSeries.objects.count(), MeetupEvent.objects.count()) == counts
    assert RSVP.objects.count() == rsvps
    for event in MeetupEvent.objects.all():
        assert event.going_count == event.rsvps.filter(status="going").count()
        assert event.capacity is None or event.going_count <= event.capacity
