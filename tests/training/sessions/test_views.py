"""Session screens: the waitlist offer, editing, attendance, the roster export and cancellation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from intranet.core.models import AuditEntry
from tests.factories import UserFactory
from tests.training.conftest import viewer_of
from training.models import SessionBooking
from training.sessions.services import session_book

pytestmark = pytest.mark.django_db


def test_full_session_offers_the_waitlist(client, session, learner):
    for person in UserFactory.create_batch(2):
        session_book(actor=viewer_of(person), session=session)
    client.force_login(learner)
    assert "Join the waitlist" in client.get(session.get_absolute_url()).content.decode()
    client.post(reverse("training:session_book", args=[session.pk]))
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Waitlist position 1" in page and "Leave the waitlist" in page


def test_trainer_edits_own_session_but_not_trainers(client, session):
    trainer = UserFactory.create()
    session.trainers.add(trainer)
    client.force_login(trainer)
    page = client.get(reverse("training:session_edit", args=[session.pk])).content.decode()
    assert "trainers_text" not in page
    response = client.post(
        reverse("training:session_edit", args=[session.pk]),
        {
            "title": "Renamed",
            "starts_at": session.local_starts_at.strftime("%Y-%m-%dT%H:%M"),
            "time_zone": "Europe/Berlin",
            "duration_minutes": 60,
            "place": "Room 2",
            "capacity": 4,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Renamed" and list(session.trainers.all()) == [trainer]


def test_coordinator_chooses_trainers_by_name_in_the_picker(client, session, coordinator):
    first = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    second = UserFactory.create(display_name="Zoë Martin", handle="zoe.martin")
    gone = UserFactory.create(display_name="Gone Trainer", handle="gone.trainer", is_active=False)
    session.trainers.add(first)
    client.force_login(coordinator)
    url = reverse("training:session_edit", args=[session.pk])
    page = client.get(url).content.decode()
    assert "data-person-picker" in page and 'data-multiple="1"' in page and 'value="juergen.gross"' in page
    data = {
        "title": "Workshop",
        "starts_at": session.local_starts_at.strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "Europe/Berlin",
        "duration_minutes": 60,
        "place": "Room 2",
        "capacity": 4,
    }
    bad = client.post(url, {**data, "trainers_text": "juergen.gross, gone.trainer, nobody"})
    assert bad.status_code == 400
    assert "Nobody here by these names, handles or e-mail addresses: gone.trainer, nobody" in bad.content.decode()
    assert list(session.trainers.all()) == [first]
    # What the picker sends: the handles of the people chosen by name, comma-separated.
    ok = client.post(url, {**data, "trainers_text": "juergen.gross, zoe.martin"})
    assert ok.status_code == 302
    assert set(session.trainers.all()) == {first, second} and gone not in session.trainers.all()


def test_attendance_form_and_csv(client, session, coordinator):
    people = UserFactory.create_batch(3)
    bookings = [session_book(actor=viewer_of(p), session=session) for p in people]
    client.force_login(coordinator)
    page = client.get(reverse("training:manage_session", args=[session.pk])).content.decode()
    assert "Mark attendance" in page and 'data-position="1"' in page
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=1)):
        response = client.post(
            reverse("training:attendance_mark", args=[session.pk]),
            {f"attendance-{bookings[0].pk}": "present", f"attendance-{bookings[1].pk}": "absent"},
        )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="training.attendance_mark").count() == 2
    assert SessionBooking.objects.get(pk=bookings[0].pk).attendance == "present"

    csv = b"".join(client.get(reverse("training:bookings_csv", args=[session.pk])).streaming_content).decode(
        "utf-8-sig"
    )
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Name,E-mail,Status")
    assert len(lines) == 4 and "Present" in csv and "On the waitlist" in csv


def test_bookings_csv_neutralises_formulas(client, session, coordinator):
    """A booked person named like a formula is exported as text (issue 17, item 16)."""
    person = UserFactory.create(display_name="-2+3+cmd", email="tab@example.com")
    session_book(actor=viewer_of(person), session=session)
    client.force_login(coordinator)
    text = b"".join(client.get(reverse("training:bookings_csv", args=[session.pk])).streaming_content).decode(
        "utf-8-sig"
    )
    assert text.splitlines()[1].startswith("'-2+3+cmd,tab@example.com,")


def test_cancel_session_page(client, session, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("training:session_cancel", args=[session.pk]), {"reason": "Snow"}).status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Snow"
    assert "This session was cancelled." in client.get(session.get_absolute_url()).content.decode()
