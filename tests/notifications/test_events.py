"""notify() and mark-read record outbox events; the badge and the e-mail are their subscribers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from intranet.core import outbox
from intranet.core.models import OutboxEvent
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.models import Notification
from intranet.notifications.services import notification_mark_all_read, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KIND = "test.events"
register_kind(KIND, "Test events", Delivery.IMMEDIATE, lambda p, c: "Something happened")


def _notify(recipients):
    return notify(recipient_ids=[u.pk for u in recipients], kind=KIND, event_key="evt:1", url="/x/", params={})


def test_subscribers_and_when_they_run():
    subs = outbox.subscription_map()
    assert subs["notification.created"] == [("notifications.realtime.publish_unread", "commit")]
    assert subs["notification.mail_due"] == [("notifications.email.immediate", "queued")]
    assert subs["notification.read"] == [("notifications.realtime.publish_unread", "commit")]


def test_each_chunk_records_its_recipients_and_the_rows_to_mail():
    people = UserFactory.create_batch(2)
    result = _notify(people)
    event = OutboxEvent.objects.get(name="notification.created")
    assert sorted(event.payload["recipient_ids"]) == sorted(p.pk for p in people)
    mail = OutboxEvent.objects.get(name="notification.mail_due")
    assert sorted(mail.payload["notification_ids"]) == sorted(result.immediate_ids)
    assert _notify(people).recipient_ids == []  # nothing new: no second event
    assert OutboxEvent.objects.filter(name="notification.created").count() == 1


def test_marking_read_records_the_reader_only_when_something_changed():
    reader = UserFactory.create()
    _notify([reader])
    assert notification_mark_all_read(actor=reader) == 1
    assert notification_mark_all_read(actor=reader) == 0
    assert [e.payload for e in OutboxEvent.objects.filter(name="notification.read")] == [{"recipient_id": reader.pk}]


def test_a_broker_outage_delays_the_mail_and_loses_nothing(monkeypatch, django_capture_on_commit_callbacks, mailoutbox):
    reader = UserFactory.create()

    def broker_down(event_id: int, sub: outbox.Subscriber) -> None:
        raise OperationalError("broker down")

    monkeypatch.setattr(outbox, "_eager", lambda: False)  # a real broker, not Celery's inline mode
    monkeypatch.setattr(outbox, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([reader])
    assert mailoutbox == []
    assert outbox.pending_count() == 1  # the mail (the badge hint ran on commit)
    monkeypatch.undo()
    assert outbox.relay_pending(older_than=timedelta(0)) == 1
    assert [m.to for m in mailoutbox] == [[reader.email]]
    assert Notification.objects.get().emailed_at is not None
    # Delivered once: the receipt makes a second delivery a no-op.
    event = OutboxEvent.objects.get(name="notification.mail_due")
    assert outbox.deliver(event.pk, "notifications.email.immediate") is False
    assert len(mailoutbox) == 1
