"""The event outbox: the one way a service's side effects leave its transaction.

A service records a domain event (``"post.created"``, ids and primitives only) with
:func:`record`. The row is written in the service's own transaction, so the event exists exactly
when the change does. Features subscribe to the events they care about with :func:`subscriber`;
nothing that records an event imports the code that reacts to it, so side effects never run in
import circles. Each subscriber says *when* it runs:

``TRANSACTION``
    inside the recording transaction, right away: for rows that must exist together with the
    change or not at all (an inbox item for a join request, a membership event for the health
    figures). An exception rolls the whole change back, as a direct call would.
``COMMIT``
    in the recording process right after commit: for cheap, harmless-if-repeated hints (live
    updates over the channel layer). If it raises, the delivery is queued instead.
``QUEUED``
    in a Celery worker (inline when Celery runs eagerly): for fan-out work (notifications, e-mail,
    indexing, webhooks). Each delivery runs in a transaction together with an
    :class:`~intranet.core.models.OutboxReceipt` row, so running it twice does the work once.

After commit the relay runs the ``COMMIT`` subscribers, queues one task per ``QUEUED`` subscriber
and marks the event relayed. When the broker cannot be reached the event stays unrelayed: the
author's request still succeeds, and :func:`relay_pending` (a beat job every minute, also
``manage.py outbox_relay``) hands it over once the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from .models import OutboxEvent, OutboxReceipt

logger = logging.getLogger(__name__)


class When(StrEnum):
    TRANSACTION = "transaction"
    COMMIT = "commit"
    QUEUED = "queued"


TRANSACTION = When.TRANSACTION
COMMIT = When.COMMIT
QUEUED = When.QUEUED


@dataclass(frozen=True)
class Event:
    """What a subscriber receives: the recorded row, read-only."""

    id: int
    name: str
    payload: dict[str, Any]
    created_at: datetime

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.payload.get(key, default)


Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    events: frozenset[str]
    handler: Handler
    when: When
    queue: str | None = None
    atomic: bool = True


@dataclass
class _Registry:
    by_name: dict[str, Subscriber] = field(default_factory=dict)
    by_event: dict[str, list[Subscriber]] = field(default_factory=dict)


_registry = _Registry()

#: Events nobody subscribes to are still recorded (webhooks and the audit of integrations read
#: them later), but the name must be known: a typo would otherwise go unnoticed.
_known_events: set[str] = set()

NAME_MAX = 100
DELIVER_TASK = "core.outbox_deliver"


def declare(*names: str) -> None:
    """Declare event names a feature records (``"post.created"``); :func:`record` refuses others."""
    for name in names:
        if not name or len(name) > NAME_MAX or "." not in name:
            raise ValueError(f"Event names look like 'noun.past_verb', not {name!r}.")
        _known_events.add(name)


def known_events() -> list[str]:
    return sorted(_known_events)


def subscriber(
    *events: str,
    name: str,
    when: When = QUEUED,
    queue: str | None = None,
    atomic: bool = True,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as a subscriber of ``events``.

    ``name`` is stable across refactorings: queued deliveries and receipts refer to it. With
    ``atomic=False`` a queued handler manages its own transactions (long batch work); its receipt
    is written after it returns, so it must be idempotent by itself. Registering a name again
    replaces it (Django may run ``ready()`` twice in tests).
    """
    if not events:
        raise ValueError("A subscriber needs at least one event name.")

    def register(handler: Handler) -> Handler:
        add_subscriber(
            Subscriber(
                name=name, events=frozenset(events), handler=handler, when=When(when), queue=queue, atomic=atomic
            )
        )
        return handler

    return register


def add_subscriber(sub: Subscriber) -> None:
    if not sub.name or len(sub.name) > NAME_MAX:
        raise ValueError(f"Subscriber names are 1-{NAME_MAX} characters, not {sub.name!r}.")
    remove_subscriber(sub.name)
    _registry.by_name[sub.name] = sub
    for event in sub.events:
        _known_events.add(event)
        _registry.by_event.setdefault(event, []).append(sub)


def remove_subscriber(name: str) -> None:
    """Forget a subscriber (tests register throw-away ones)."""
    old = _registry.by_name.pop(name, None)
    if old is None:
        return
    for event in old.events:
        subs = _registry.by_event.get(event, [])
        _registry.by_event[event] = [s for s in subs if s.name != name]


def subscribers_of(event_name: str, when: When | None = None) -> list[Subscriber]:
    subs = _registry.by_event.get(event_name, [])
    return [s for s in subs if when is None or s.when == when]


def subscription_map() -> dict[str, list[tuple[str, str]]]:
    """``{event: [(subscriber, when), ...]}`` for every known event (docs and the operator)."""
    return {
        event: sorted((s.name, s.when.value) for s in _registry.by_event.get(event, []))
        for event in sorted(_known_events)
    }


def subscription_table() -> str:
    """The Markdown table of events and subscribers kept in ``docs/architecture.md``."""
    lines = ["| event | subscribers (`when`) |", "| --- | --- |"]
    for event, subs in subscription_map().items():
        cell = ", ".join(f"`{name}` ({when})" for name, when in subs) or "none yet (recorded for integrations)"
        lines.append(f"| `{event}` | {cell} |")
    return "\n".join(lines)


# Recording ------------------------------------------------------------------------------------------


def record(name: str, /, **payload: Any) -> Event:
    """Record the event ``name`` with ``payload`` (ids and JSON primitives) in this transaction.

    Runs the ``TRANSACTION`` subscribers now and relays the rest after commit. Outside an atomic
    block the row commits at once (autocommit) and the relay follows immediately. Returns the
    event; a rolled-back transaction takes the event and every effect with it.
    """
    return record_many(name, [payload])[0]


def record_many(name: str, payloads: list[dict[str, Any]], /) -> list[Event]:
    """Record one ``name`` event per payload with one insert, and relay them together after commit
    (one relay mark for all): for jobs that remind or notify many rows at once."""
    if name not in _known_events:
        raise ValueError(f"Unknown event {name!r}: declare() it in the feature's events.py.")
    if not payloads:
        return []
    rows = OutboxEvent.objects.bulk_create([OutboxEvent(name=name, payload=payload) for payload in payloads])
    events = [Event(id=row.pk, name=name, payload=row.payload, created_at=row.created_at) for row in rows]
    for sub in subscribers_of(name, TRANSACTION):
        for event in events:
            sub.handler(event)
    transaction.on_commit(lambda: _relay(events))
    return events


# Relaying -------------------------------------------------------------------------------------------


#: One quick retry when publishing to the broker: an unreachable broker must not hold the
#: author's request for seconds; the sweep relays what could not be sent.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _deliver_task() -> Any:
    # Looked up by name: the task module imports this one, not the other way round.
    return current_app.tasks[DELIVER_TASK]


def _send(event_id: int, sub: Subscriber) -> None:
    options: dict[str, Any] = {"retry_policy": PUBLISH_RETRY}
    if sub.queue:
        options["queue"] = sub.queue
    _deliver_task().apply_async((event_id, sub.name), **options)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _relay(events: list[Event], *, commit_inline: bool = True) -> int:
    """Hand ``events`` to their ``COMMIT`` and ``QUEUED`` subscribers, in order; mark the relayed
    ones with one update. Returns how many were relayed: when the broker refuses a delivery, that
    event and the ones after it stay for the sweep."""
    relayed: list[int] = []
    for event in events:
        if not _relay_one(event, commit_inline=commit_inline):
            break
        relayed.append(event.id)
    if relayed:
        OutboxEvent.objects.filter(pk__in=relayed).update(relayed_at=timezone.now())
    return len(relayed)


def _relay_one(event: Event, *, commit_inline: bool) -> bool:
    queued = subscribers_of(event.name, QUEUED)
    for sub in subscribers_of(event.name, COMMIT):
        if commit_inline:
            try:
                sub.handler(event)
                continue
            except Exception:
                # A live update that failed in the request falls back to the worker.
                logger.warning("outbox: %s failed on commit for %s#%s; queued", sub.name, event.name, event.id)
        queued.append(sub)
    if _eager():
        # Celery runs tasks inline (tests, `make run` without Redis): a subscriber's error is a bug
        # that must surface, not a broker outage.
        for sub in queued:
            _send(event.id, sub)
        return True
    try:
        for sub in queued:
            _send(event.id, sub)
    except Exception as exc:  # kombu and redis raise many types; nothing is lost
        # The event stays unrelayed and the sweep hands it over once the broker answers.
        logger.warning("outbox: broker unavailable, %s#%s waits for the sweep (%r)", event.name, event.id, exc)
        return False
    return True


#: An unrelayed event younger than this is probably still in its request's on-commit hook.
RELAY_GRACE = timedelta(seconds=10)
RELAY_BATCH = 500


def relay_pending(*, older_than: timedelta = RELAY_GRACE, limit: int = RELAY_BATCH) -> int:
    """Relay events whose relay never happened (broker down, process died); returns how many.

    ``COMMIT`` subscribers of such events run in a worker, like ``QUEUED`` ones. Rows are claimed
    with ``SKIP LOCKED``, so two sweeps never relay the same event at once; a delivery that still
    runs twice is absorbed by its receipt.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        rows = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(relayed_at__isnull=True, created_at__lte=cutoff)
            .order_by("created_at", "id")[:limit]
        )
        events = [Event(id=row.pk, name=row.name, payload=row.payload, created_at=row.created_at) for row in rows]
        return _relay(events, commit_inline=False)


def pending_count() -> int:
    return OutboxEvent.objects.filter(relayed_at__isnull=True).count()


# Delivering -----------------------------------------------------------------------------------------


class UnknownSubscriber(LookupError):
    pass


def _claim(event_id: int, subscriber_name: str) -> bool:
    """Insert the receipt unless it exists; ``True`` when this delivery should do the work."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_outboxreceipt (event_id, subscriber, done_at) "
            "VALUES (%s, %s, now()) ON CONFLICT (event_id, subscriber) DO NOTHING RETURNING 1",
            [event_id, subscriber_name],
        )
        return cursor.fetchone() is not None


def deliver(event_id: int, subscriber_name: str) -> bool:
    """Run one subscriber for one event, once; returns ``False`` when there was nothing to do.

    The event row may be gone (purged after retention): nothing to do. The subscriber must be
    registered in this process, else :class:`UnknownSubscriber` (a deployment mismatch; the task
    retries).
    """
    sub = _registry.by_name.get(subscriber_name)
    if sub is None:
        raise UnknownSubscriber(subscriber_name)
    row = OutboxEvent.objects.filter(pk=event_id).first()
    if row is None:
        return False
    event = Event(id=row.pk, name=row.name, payload=row.payload, created_at=row.created_at)
    if sub.atomic:
        with transaction.atomic():
            if not _claim(event_id, sub.name):
                return False
            sub.handler(event)
        return True
    if OutboxReceipt.objects.filter(event_id=event_id, subscriber=sub.name).exists():
        return False
    sub.handler(event)
    _claim(event_id, sub.name)
    return True


#: Relayed events and their receipts are kept this long for operators and integrations.
RETENTION = timedelta(days=14)


def purge(*, older_than: timedelta = RETENTION, batch: int = 5000) -> int:
    """Delete relayed events older than ``older_than`` in batches (receipts go with them)."""
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        ids = list(
            OutboxEvent.objects.filter(relayed_at__isnull=False, created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not ids:
            return deleted
        OutboxReceipt.objects.filter(event_id__in=ids).delete()
        OutboxEvent.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
