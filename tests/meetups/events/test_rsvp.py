"""RSVPs: capacity under concurrency, the waitlist, promotion with its notification, reminders."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.utils import timezone

from intranet.core import outbox
from intranet.core.models import OutboxEvent, OutboxReceipt
from intranet.notifications.models import Notification
from meetups.events import services
from meetups.events.notify import notify_promoted
from meetups.models import RSVP, MeetupEvent
from tests.factories import UserFactory
from tests.meetups.factories import SeriesFactory, make_event, viewer_of

Status = RSVP.Status


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_answers_fill_five_seats_exactly() -> None:
    event = make_event(SeriesFactory.create(), capacity=5)
    people = [UserFactory.create() for _ in range(30)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def answer(person_id: int) -> None:
        try:
            from intranet.accounts.models import User

            viewer = viewer_of(User.objects.get(pk=person_id))
            barrier.wait(timeout=30)
            services.rsvp_set(actor=viewer, event_id=event.pk, status=Status.GOING)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=answer, args=(p.pk,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors

    event.refresh_from_db()
    rows = list(RSVP.objects.filter(event=event).order_by("sequence"))
    assert [r.status for r in rows].count(Status.GOING) == 5
    assert [r.status for r in rows].count(Status.WAITLIST) == 25
    assert (event.going_count, event.waitlist_count, event.rsvp_sequence) == (5, 25, 30)
    # Deterministic order: the first five to take the lock got the seats, in lock order.
    assert [r.sequence for r in rows] == list(range(1, 31))
    assert all(r.status == Status.GOING for r in rows[:5])
    assert all(r.status == Status.WAITLIST for r in rows[5:])


@pytest.mark.django_db
def test_freeing_a_seat_promotes_the_first_waiting_and_notifies_them(django_capture_on_commit_callbacks) -> None:
    event = make_event(SeriesFactory.create(title="Kotlin Night"), capacity=1)
    anna, ben, cleo = (UserFactory.create() for _ in range(3))
    for person in (anna, ben, cleo):
        services.rsvp_set(actor=viewer_of(person), event_id=event.pk, status=Status.GOING)
    assert RSVP.objects.get(user=ben).status == Status.WAITLIST

    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp_set(actor=viewer_of(anna), event_id=event.pk, status=Status.NOT_GOING)
    # The promotion is recorded in the outbox (it was an on-commit task before the outbox); its
    # queued subscriber notifies the people who moved up.
    promoted = OutboxEvent.objects.get(name="rsvp.promoted")
    assert OutboxReceipt.objects.filter(event_id=promoted.pk, subscriber="meetups.events.notify_promoted").exists()

    event.refresh_from_db()
    statuses = dict(RSVP.objects.filter(event=event).values_list("user_id", "status"))
    assert statuses == {anna.pk: Status.NOT_GOING, ben.pk: Status.GOING, cleo.pk: Status.WAITLIST}
    assert (event.going_count, event.waitlist_count) == (1, 1)
    note = Notification.objects.get(recipient=ben)
    assert note.kind == "meetup.promoted"
    assert not Notification.objects.filter(recipient__in=[anna, cleo]).exists()

    # Delivering the promotion again, or running its work again, notifies nobody twice.
    assert outbox.deliver(promoted.pk, "meetups.events.notify_promoted") is False
    notify_promoted(event.pk, [ben.pk])
    assert Notification.objects.filter(recipient=ben).count() == 1


@pytest.mark.django_db
def test_answering_going_twice_keeps_ones_place() -> None:
    event = make_event(SeriesFactory.create(), capacity=1)
    first, second = UserFactory.create(), UserFactory.create()
    services.rsvp_set(actor=viewer_of(first), event_id=event.pk, status=Status.GOING)
    waiting = services.rsvp_set(actor=viewer_of(second), event_id=event.pk, status=Status.GOING)
    again = services.rsvp_set(actor=viewer_of(second), event_id=event.pk, status=Status.GOING)
    assert (waiting.sequence, again.sequence, again.status) == (2, 2, Status.WAITLIST)
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (1, 1)


@pytest.mark.django_db
def test_more_seats_promote_waiting_people() -> None:
    from tests.meetups.factories import coordinator

    event = make_event(SeriesFactory.create(), capacity=1)
    people = [UserFactory.create() for _ in range(3)]
    for person in people:
        services.rsvp_set(actor=viewer_of(person), event_id=event.pk, status=Status.GOING)
    services.event_update(actor=viewer_of(coordinator()), event=event, capacity=2)
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (2, 1)
    assert RSVP.objects.get(user=people[1]).status == Status.GOING


@pytest.mark.django_db
def test_no_answers_to_cancelled_or_past_events() -> None:
    series = SeriesFactory.create()
    past = make_event(series, starts_at=timezone.now() - dt.timedelta(days=2))
    cancelled = make_event(series, cancelled=True)
    person = viewer_of(UserFactory.create())
    for event in (past, cancelled):
        with pytest.raises(PermissionDenied):
            services.rsvp_set(actor=person, event_id=event.pk, status=Status.GOING)
    assert not RSVP.objects.exists()


@pytest.mark.django_db
def test_reminders_go_once_a_day_before(django_capture_on_commit_callbacks) -> None:
    series = SeriesFactory.create(title="Data Circle")
    soon = make_event(series, starts_at=timezone.now() + dt.timedelta(hours=20))
    later = make_event(series, starts_at=timezone.now() + dt.timedelta(days=3))
    going, not_going = UserFactory.create(), UserFactory.create()
    for event in (soon, later):
        services.rsvp_set(actor=viewer_of(going), event_id=event.pk, status=Status.GOING)
        services.rsvp_set(actor=viewer_of(not_going), event_id=event.pk, status=Status.NOT_GOING)

    with django_capture_on_commit_callbacks(execute=True):  # the reminders go out through the outbox
        assert services.send_due_reminders() == 1
    assert services.send_due_reminders() == 0  # stamped: the second run sends nothing
    reminders = Notification.objects.filter(kind="meetup.reminder")
    assert list(reminders.values_list("recipient_id", flat=True)) == [going.pk]
    assert RSVP.objects.get(event=soon, user=going).reminded_at is not None
    assert RSVP.objects.get(event=later, user=going).reminded_at is None
    assert MeetupEvent.objects.count() == 2
