"""Seats under contention: 50 people book a 10-seat session at the same moment, each from its own
thread with its own PostgreSQL connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from tests.factories import UserFactory
from tests.training.factories import SessionFactory
from training.models import Session, SessionBooking
from training.services_sessions import booking_cancel, session_book

PEOPLE = 50
SEATS = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_never_overbook(transactional_db):
    session = SessionFactory.create(capacity=SEATS)
    people = UserFactory.create_batch(PEOPLE)
    barrier = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def attempt(user_id: int) -> None:
        try:
            user = User.objects.get(pk=user_id)
            fresh = Session.objects.select_related("programme").get(pk=session.pk)
            barrier.wait(timeout=60)
            session_book(actor=Viewer(user), session=fresh)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p.pk,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    rows = list(SessionBooking.objects.filter(session=session).order_by("booked_at", "id"))
    booked = [b for b in rows if b.status == SessionBooking.Status.BOOKED]
    waiting = [b for b in rows if b.status == SessionBooking.Status.WAITLISTED]
    assert (len(booked), len(waiting)) == (SEATS, PEOPLE - SEATS)
    # Positions 1..40 follow the order people got the lock: booking time, ties by id.
    assert [b.position for b in waiting] == list(range(1, PEOPLE - SEATS + 1))
    assert max(b.booked_at for b in booked) <= min(b.booked_at for b in waiting)
    session.refresh_from_db()
    assert (session.booked_count, session.waitlist_count) == (SEATS, PEOPLE - SEATS)

    # Ten people cancel at once: each freed seat goes to the head of the waitlist, in order.
    leavers = booked[:SEATS]
    expected_promoted = {b.user_id for b in waiting[:SEATS]}
    barrier2 = threading.Barrier(len(leavers))

    def cancel(booking_id: int) -> None:
        try:
            booking = SessionBooking.objects.select_related("session").get(pk=booking_id)
            user = User.objects.get(pk=booking.user_id)
            barrier2.wait(timeout=60)
            booking_cancel(actor=Viewer(user), booking=booking)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(b.pk,)) for b in leavers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    now_booked = set(
        SessionBooking.objects.filter(session=session, status=SessionBooking.Status.BOOKED).values_list(
            "user_id", flat=True
        )
    )
    assert now_booked == expected_promoted
    positions = list(
        SessionBooking.objects.filter(session=session, status=SessionBooking.Status.WAITLISTED)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == list(range(1, PEOPLE - 2 * SEATS + 1))
    connection.close()
