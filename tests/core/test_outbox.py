"""The event outbox: recording, the three subscriber phases, receipts, the sweep and the purge."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intranet.core import outbox
from intranet.core.models import OutboxEvent, OutboxReceipt

pytestmark = pytest.mark.django_db

EVENT = "thing.happened"
OTHER = "thing.vanished"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int, dict[str, Any]]]]:
    """Three throw-away subscribers, one per phase, that log what they were given; the throw-away
    event names are forgotten afterwards."""
    monkeypatch.setattr(outbox, "_known_events", set(outbox._known_events))
    seen: list[tuple[str, int, dict[str, Any]]] = []

    def make(label: str) -> outbox.Handler:
        def handler(event: outbox.Event) -> None:
            seen.append((label, event.id, dict(event.payload)))

        return handler

    outbox.declare(OTHER)
    outbox.subscriber(EVENT, name="test.in_tx", when=outbox.TRANSACTION)(make("tx"))
    outbox.subscriber(EVENT, name="test.on_commit", when=outbox.COMMIT)(make("commit"))
    outbox.subscriber(EVENT, name="test.queued")(make("queued"))
    yield seen
    for name in ("test.in_tx", "test.on_commit", "test.queued"):
        outbox.remove_subscriber(name)


def test_record_runs_each_phase_in_order_and_marks_the_event_relayed(calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = outbox.record(EVENT, thing_id=7)
        assert [label for label, *_ in calls] == ["tx"]  # nothing leaves before commit
    assert [label for label, *_ in calls] == ["tx", "commit", "queued"]
    assert all(event_id == event.id and payload == {"thing_id": 7} for _, event_id, payload in calls)
    row = OutboxEvent.objects.get(pk=event.id)
    assert row.name == EVENT and row.relayed_at is not None
    # Only the queued subscriber leaves a receipt: it is the one a redelivery could repeat.
    assert list(OutboxReceipt.objects.values_list("subscriber", flat=True)) == ["test.queued"]


def test_a_rolled_back_transaction_takes_the_event_and_its_effects_with_it(calls, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.record(EVENT, thing_id=1)
        raise RuntimeError("the service failed after recording")
    assert callbacks == []
    assert not OutboxEvent.objects.exists()
    assert [label for label, *_ in calls] == ["tx"]  # ran, and was rolled back with the change


def test_a_transaction_subscriber_that_raises_rolls_the_change_back(calls):
    def broken(event: outbox.Event) -> None:
        raise ValueError("inbox item refused")

    outbox.subscriber(EVENT, name="test.broken", when=outbox.TRANSACTION)(broken)
    try:
        with pytest.raises(ValueError), transaction.atomic():
            outbox.record(EVENT, thing_id=2)
        assert not OutboxEvent.objects.exists()
    finally:
        outbox.remove_subscriber("test.broken")


def test_delivering_twice_does_the_work_once(calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = outbox.record(EVENT, thing_id=3)
    assert outbox.deliver(event.id, "test.queued") is False  # a broker redelivery
    assert [label for label, *_ in calls].count("queued") == 1


def test_a_failing_queued_subscriber_leaves_no_receipt_so_a_retry_runs_it(calls):
    attempts: list[int] = []

    def flaky(event: outbox.Event) -> None:
        attempts.append(event.id)
        if len(attempts) == 1:
            raise ConnectionError("receiver down")

    outbox.subscriber(OTHER, name="test.flaky")(flaky)
    try:
        row = OutboxEvent.objects.create(name=OTHER, payload={})
        with pytest.raises(ConnectionError):
            outbox.deliver(row.pk, "test.flaky")
        assert not OutboxReceipt.objects.filter(subscriber="test.flaky").exists()
        assert outbox.deliver(row.pk, "test.flaky") is True
        assert outbox.deliver(row.pk, "test.flaky") is False
        assert attempts == [row.pk, row.pk]
    finally:
        outbox.remove_subscriber("test.flaky")


def test_a_commit_subscriber_that_raises_falls_back_to_the_worker(calls, django_capture_on_commit_callbacks):
    runs: list[str] = []

    def live_update(event: outbox.Event) -> None:
        runs.append("run")
        if len(runs) == 1:
            raise OSError("channel layer hiccup")

    outbox.subscriber(OTHER, name="test.live", when=outbox.COMMIT)(live_update)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = outbox.record(OTHER)
        assert runs == ["run", "run"]  # once on commit, failed; once queued (eager here)
        assert OutboxReceipt.objects.filter(event_id=event.id, subscriber="test.live").exists()
    finally:
        outbox.remove_subscriber("test.live")


def test_unknown_event_names_are_refused():
    with pytest.raises(ValueError, match="Unknown event"):
        outbox.record("thing.misspelt")
    with pytest.raises(ValueError):
        outbox.declare("no_dot")


def test_the_sweep_relays_what_the_commit_hook_could_not(calls, monkeypatch, django_capture_on_commit_callbacks):
    """The broker was down after commit: the event waits, the sweep hands it over later."""
    monkeypatch.setattr(outbox, "_eager", lambda: False)

    def broker_down(event_id: int, sub: outbox.Subscriber) -> None:
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(outbox, "_send", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        event = outbox.record(EVENT, thing_id=4)  # committed; the relay ran and failed
    assert OutboxEvent.objects.get(pk=event.id).relayed_at is None
    assert [label for label, *_ in calls] == ["tx", "commit"]
    monkeypatch.undo()

    # Too young for the sweep (its request may still be relaying it), then old enough.
    assert outbox.relay_pending() == 0
    OutboxEvent.objects.filter(pk=event.id).update(created_at=timezone.now() - timedelta(minutes=1))
    assert outbox.relay_pending() == 1
    assert OutboxEvent.objects.get(pk=event.id).relayed_at is not None
    # The sweep runs commit subscribers through the worker too (a repeated hint is harmless).
    assert sorted(label for label, *_ in calls) == ["commit", "commit", "queued", "tx"]
    assert outbox.relay_pending() == 0


def test_the_relay_command_relays_everything_waiting_and_prints_the_map(calls, capsys):
    OutboxEvent.objects.create(name=EVENT, payload={"thing_id": 5})
    call_command("outbox_relay", "--all")
    assert "Relayed 1 event(s); 0 still waiting." in capsys.readouterr().out
    call_command("outbox_relay", "--map")
    out = capsys.readouterr().out
    assert f"{EVENT}: test.in_tx (transaction), test.on_commit (commit), test.queued (queued)" in out


def test_purge_deletes_relayed_events_past_retention_only(calls):
    old = timezone.now() - outbox.RETENTION - timedelta(days=1)
    relayed_old = OutboxEvent.objects.create(name=EVENT, payload={}, relayed_at=old)
    OutboxEvent.objects.filter(pk=relayed_old.pk).update(created_at=old)
    OutboxReceipt.objects.create(event=relayed_old, subscriber="test.queued")
    waiting_old = OutboxEvent.objects.create(name=EVENT, payload={})
    OutboxEvent.objects.filter(pk=waiting_old.pk).update(created_at=old)
    fresh = OutboxEvent.objects.create(name=EVENT, payload={}, relayed_at=timezone.now())
    assert outbox.purge() == 1
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {waiting_old.pk, fresh.pk}
    assert not OutboxReceipt.objects.exists()


def test_an_unknown_subscriber_is_an_error_not_a_silent_success():
    row = OutboxEvent.objects.create(name=EVENT, payload={})
    with pytest.raises(outbox.UnknownSubscriber):
        outbox.deliver(row.pk, "test.nobody")


def test_record_many_inserts_once_and_relays_together(calls, django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        events = outbox.record_many(EVENT, [{"thing_id": n} for n in range(3)])
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "core_outboxevent"')]
    marks = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "core_outboxevent"')]
    assert (len(inserts), len(marks)) == (1, 1)
    assert [payload["thing_id"] for label, _, payload in calls if label == "queued"] == [0, 1, 2]
    assert OutboxEvent.objects.filter(pk__in=[e.id for e in events], relayed_at__isnull=False).count() == 3
    assert outbox.record_many(EVENT, []) == []
