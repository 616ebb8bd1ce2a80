"""Realtime events and topics: what a websocket may listen to, and how services talk to sockets.

Services publish events to channel-layer groups only after the transaction commits
(:func:`publish_on_commit`). Every socket is in its user's group ``user.<id>``; beyond that a socket
subscribes to *topics* (``"<kind>.<id>"``, which are also the group names) that a domain app
registered with an access check (:func:`register_topic`), or to an *aggregate* topic that expands
to several topics (:func:`register_aggregate_topic`, e.g. ``feed``).

When access may have been lost, services record ``access.changed`` (:mod:`intranet.core.access`);
after commit the sockets concerned re-check their topics (:func:`recheck`) with the registered
checks and leave those they may no longer read. :func:`revoke_on_commit` drops one topic outright,
and :func:`close_sockets_on_commit` closes every socket of a person (sign-out, password change).

The kernel knows no domain nouns: domain apps register their topics from ``AppConfig.ready()``.
"""

from __future__ import annotations

import asyncio
import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

if TYPE_CHECKING:
    from intranet.accounts.models import User

#: The channel-layer message types the consumer handles (``realtime.event`` -> ``realtime_event``).
EVENT_MESSAGE = "realtime.event"
REVOKE_MESSAGE = "realtime.revoke"
RECHECK_MESSAGE = "realtime.recheck"
CLOSE_MESSAGE = "realtime.close"

TOPIC_PATTERN = re.compile(r"^(?P<kind>[a-z][a-z_]{0,30})\.(?P<id>[1-9][0-9]{0,18})$")

TopicCheck = Callable[["User", int], bool]
TopicParents = Callable[[int], Iterable[str]]
AggregateExpand = Callable[["User"], list[str]]


@dataclass(frozen=True)
class TopicKind:
    """A registered kind of topic: who may subscribe, and what the consumer adds to it."""

    kind: str
    check: TopicCheck
    presence: bool = False
    relay: frozenset[str] = frozenset()
    parents: TopicParents | None = None


_topics: dict[str, TopicKind] = {}
_aggregates: dict[str, AggregateExpand] = {}


# Registries -------------------------------------------------------------------------------------


def register_topic(
    kind: str,
    check: TopicCheck,
    *,
    presence: bool = False,
    relay: Iterable[str] = (),
    parents: TopicParents | None = None,
) -> None:
    """Let sockets subscribe to ``"<kind>.<id>"`` when ``check(user, id)`` is true.

    ``check`` is synchronous (the consumer runs it with ``database_sync_to_async``) and must answer
    ``False`` for missing and forbidden alike. ``presence=True`` makes the consumer announce who is
    online in the topic (kept in the cache with a TTL, no history); ``relay`` names client message
    types (``"typing"``) that are re-broadcast to the topic's other subscribers, never stored.
    ``parents(id)`` names topics whose revocation revokes this one too (a post's community), so a
    person removed from a community also stops hearing about the post page they have open.
    Registering a kind twice replaces it (Django may run ``ready()`` more than once in tests).
    """
    if not re.fullmatch(r"[a-z][a-z_]{0,30}", kind):
        raise ValueError(f"Topic kinds are lower-case words, not {kind!r}.")
    if kind in _aggregates:
        raise ValueError(f"{kind!r} is already an aggregate topic.")
    _topics[kind] = TopicKind(kind, check, presence, frozenset(relay), parents)


def register_aggregate_topic(name: str, expand: AggregateExpand) -> None:
    """Let sockets subscribe to ``name``, which stands for the topics ``expand(user)`` returns.

    ``expand`` is synchronous, returns only topics the user may receive (it *is* the access check)
    and should cost one query. The consumer subscribes the socket to each of them.
    """
    if not re.fullmatch(r"[a-z][a-z_]{0,30}", name):
        raise ValueError(f"Aggregate topic names are lower-case words, not {name!r}.")
    if name in _topics:
        raise ValueError(f"{name!r} is already a topic kind.")
    _aggregates[name] = expand


def unregister(name: str) -> None:
    """Forget a topic kind or aggregate (tests register throw-away kinds)."""
    _topics.pop(name, None)
    _aggregates.pop(name, None)


def topic_kind(topic: str) -> tuple[TopicKind, int] | None:
    """The registered kind and the id of ``topic``, or ``None`` if it is malformed or unknown."""
    match = TOPIC_PATTERN.match(topic) if isinstance(topic, str) else None
    if match is None:
        return None
    registered = _topics.get(match["kind"])
    if registered is None:
        return None
    return registered, int(match["id"])


def aggregate(name: str) -> AggregateExpand | None:
    return _aggregates.get(name) if isinstance(name, str) else None


# Publishing -------------------------------------------------------------------------------------


#: How many group sends one batch keeps in flight, each on its own Redis connection (the pool
#: allows 100, shared with a realtime process's consumers). 4,000 sends took 684 ms of CPU one at
#: a time, 449 ms with 8 in flight and no less with 16 or 32.
PUBLISH_CONCURRENCY = 8


def _run_on_layer(sends: Callable[[Any], Awaitable[None]]) -> None:
    """Run ``sends(layer)`` to completion from synchronous code (nothing without a layer)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(sends)(layer)
        return
    # Sync code in a thread whose event loop is running (an async test calling a service directly,
    # Playwright's sync API): async_to_sync must not block that loop, so a helper thread sends.
    worker = threading.Thread(target=async_to_sync(sends), args=(layer,), name="realtime-publish")
    worker.start()
    worker.join()


def _group_send(group: str, message: dict[str, Any]) -> None:
    async def send(layer: Any) -> None:
        await layer.group_send(group, message)

    _run_on_layer(send)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def children_group(topic: str) -> str:
    """The group of the sockets holding a topic whose parent is ``topic`` (a post page's community).

    It carries control messages only (re-checks), never events; it is not a topic (two dots).
    """
    return f"children.{topic}"


def publish(group: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every socket in ``group`` now. Prefer :func:`publish_on_commit`.

    The group travels with the event, so a socket that has just left a topic drops whatever of it
    is still queued for it.
    """
    _group_send(group, {"type": EVENT_MESSAGE, "group": group, "event": event})


def publish_many(events: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Send each ``(group, event)`` now, all from one event loop, up to
    :data:`PUBLISH_CONCURRENCY` at a time.

    For fan-outs (a new post's notifications reach thousands of people, each in their own group):
    one :func:`publish` per group costs an ``async_to_sync`` round, about 1.7 ms of CPU each, so
    4,000 of them kept a Celery worker busy for 6.6 s.
    """
    messages = [(group, {"type": EVENT_MESSAGE, "group": group, "event": event}) for group, event in events]
    if not messages:
        return

    async def send(layer: Any) -> None:
        for start in range(0, len(messages), PUBLISH_CONCURRENCY):
            batch = messages[start : start + PUBLISH_CONCURRENCY]
            await asyncio.gather(*(layer.group_send(group, message) for group, message in batch))

    _run_on_layer(send)


def publish_on_commit(group: str, event: dict[str, Any], *, using: str | None = None) -> None:
    """Queue ``event`` for ``group``; it is sent when the surrounding transaction commits.

    Rolled-back work never reaches a browser. Events carry ids and public fields only; where
    visibility differs per recipient, send a hint and let the client re-fetch through a
    permission-checked view.
    """
    if "type" not in event:
        raise ValueError("A realtime event needs a 'type', for example 'post.created'.")
    transaction.on_commit(lambda: publish(group, event), using=using)


def revoke(user_id: int, topic: str) -> None:
    """Make every socket of ``user_id`` leave ``topic`` now. Prefer :func:`revoke_on_commit`."""
    _group_send(user_group(user_id), {"type": REVOKE_MESSAGE, "topic": topic})


def revoke_on_commit(user_id: int, topic: str, *, using: str | None = None) -> None:
    """After commit, every socket of ``user_id`` leaves ``topic`` (and topics whose parent it is).

    Nothing of the topic is forwarded to those sockets once the revocation reached them; the
    browser gets ``{"type": "topic.revoked", "topic": ...}``. For a loss the service knows for
    certain (a person left a conversation); where the rules must decide (memberships, visibility,
    lifecycle), record ``access.changed`` instead (:mod:`intranet.core.access`).
    """
    transaction.on_commit(lambda: revoke(user_id, topic), using=using)


def close_sockets(user_id: int) -> None:
    """Close every socket of ``user_id`` now. Prefer :func:`close_sockets_on_commit`."""
    _group_send(user_group(user_id), {"type": CLOSE_MESSAGE})


def close_sockets_on_commit(user_id: int, *, using: str | None = None) -> None:
    """After commit, close every socket of ``user_id`` (close code 4401).

    For sign-out, a password change and deactivation: the browser reconnects, and only a session
    that still signs the person in gets a socket again.
    """
    transaction.on_commit(lambda: close_sockets(user_id), using=using)


def recheck(*, user_ids: Iterable[int] = (), topic: str | None = None) -> None:
    """Make sockets re-check their topics now (the ``access.changed`` subscriber calls this).

    With ``user_ids``, every socket of those people re-checks ``topic`` and the topics whose parent
    it is, or every topic it holds when ``topic`` is ``None``. With ``user_ids`` empty, every socket
    holding ``topic`` or one of its children re-checks them (a community turned private). Each
    socket first re-checks its session and closes when it no longer signs its person in.
    """
    message: dict[str, Any] = {"type": RECHECK_MESSAGE, "topic": topic, "id": uuid.uuid4().hex}
    groups = [user_group(pk) for pk in sorted(set(user_ids))]
    if not groups and topic:
        groups = [topic, children_group(topic)]
    if not groups:
        return

    async def send(layer: Any) -> None:
        for start in range(0, len(groups), PUBLISH_CONCURRENCY):
            batch = groups[start : start + PUBLISH_CONCURRENCY]
            await asyncio.gather(*(layer.group_send(group, message) for group in batch))

    _run_on_layer(send)
