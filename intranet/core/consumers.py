"""The websocket consumer at ``/ws/``: one authenticated socket per browser tab.

Protocol (JSON both ways):

* client -> server: ``{"type": "subscribe", "topic": "community.12"}``, ``{"type": "unsubscribe",
  "topic": ...}``, ``{"type": "ping"}`` (also the presence heartbeat), and relayed messages such as
  ``{"type": "typing", "topic": "conversation.5"}`` for topics registered with them;
* server -> client: ``{"type": "subscribed", "topic"}``, ``{"type": "subscribe.refused", "topic"}``
  (the same answer for missing and forbidden), ``{"type": "pong"}``, ``{"type": "topic.revoked",
  "topic"}``, presence messages and the events published to the socket's groups.

Every socket is in ``user.<id>``. Topics are joined only after the access check their app
registered (:func:`intranet.core.realtime.register_topic`) says yes, run in a worker thread. The
consumer remembers which topics it is subscribed to and drops every queued event of any other
group, so once a revocation has been handled nothing of the revoked topic reaches the browser, even
what the channel layer delivered before the group membership was removed. Anonymous sockets are
refused at the handshake with close code 4401.

A socket outlives its handshake, so access is asked again:

* every subscribe first re-checks the session (it still exists, still signs this person in with
  the current password, the account is active); otherwise the answer is ``subscribe.refused`` and
  the socket closes with 4401;
* ``realtime.close`` (sent to ``user.<id>`` on sign-out, password change and deactivation) closes
  the socket with 4401;
* ``realtime.recheck`` (sent after ``access.changed``, see :mod:`intranet.core.access`) makes the
  socket re-check the session and then the topics concerned with their registered checks; those it
  may no longer read are left and answered with ``topic.revoked``. Sockets holding a topic whose
  parent is a community also sit in ``children.<parent>``, so a re-check of the community reaches
  its open post pages too.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from . import presence
from .realtime import EVENT_MESSAGE, AggregateExpand, TopicKind, aggregate, children_group, topic_kind, user_group
from .sessions import signed_in_user
from .switches import presence_allowed

logger = logging.getLogger(__name__)

#: Close code for sockets without a signed-in, active user (the browser should not retry at once).
CLOSE_UNAUTHENTICATED = 4401
#: Largest client message accepted; anything bigger is ignored.
MAX_MESSAGE_BYTES = 4096
#: Topics one socket may hold at most (an aggregate counts with every topic it expands to).
DEFAULT_MAX_TOPICS = 200
#: Seconds between two relayed messages of one kind per topic from one socket.
RELAY_INTERVAL = 2.0

DIRECT = ""  # the source of a topic subscribed by name (aggregates record their own name)


class SignedOut(Exception):
    """The socket's session no longer signs its person in (raised in the worker thread)."""


def max_topics() -> int:
    return int(getattr(settings, "REALTIME_MAX_TOPICS", DEFAULT_MAX_TOPICS))


def _display_name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or user.get_username())


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Forwards the events of ``user.<id>`` and of the topics the socket subscribed to."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.user_group = user_group(user.pk)
        session = self.scope.get("session")
        self.session_key: str | None = getattr(session, "session_key", None)
        self.closing = False
        self.last_recheck = ""
        # Parent topics whose children group this socket joined (see children_group).
        self.child_groups: set[str] = set()
        # topic -> where it came from (DIRECT and/or aggregate names); a topic stays while any
        # source wants it.
        self.topics: dict[str, set[str]] = {}
        self.parents: dict[str, frozenset[str]] = {}
        self.presence_topics: set[str] = set()
        self.aggregates: set[str] = set()
        self.relayed_at: dict[tuple[str, str], float] = {}
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "user_group"):
            return
        await self._leave_everything()

    # Client messages ------------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            return
        if isinstance(content, dict):
            await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.closing:
            return
        kind = content.get("type")
        topic = content.get("topic")
        if kind == "ping":
            await presence.refresh(sorted(self.presence_topics), self.user.pk, self.channel_name)
            await self.send_json({"type": "pong"})
        elif not isinstance(topic, str) or len(topic) > 64:
            return
        elif kind == "subscribe":
            await self.subscribe(topic)
        elif kind == "unsubscribe":
            await self.unsubscribe(topic)
        elif isinstance(kind, str):
            await self.relay(kind, topic)

    async def subscribe(self, topic: str) -> None:
        expand = aggregate(topic)
        if expand is not None:
            await self._subscribe_aggregate(topic, expand)
            return
        found = topic_kind(topic)
        if found is None:
            await self._refuse(topic)
            return
        registered, pk = found
        if topic not in self.topics and len(self.topics) >= max_topics():
            await self._refuse(topic, reason="limit")
            return
        # One worker-thread hop for the session and the topic check; malformed topics (above) are
        # refused without touching the database.
        try:
            allowed, parents = await database_sync_to_async(self._subscribe_check)(registered, pk)
        except SignedOut:
            await self._refuse_and_shut(topic)
            return
        if not allowed:
            await self._refuse(topic)
            return
        await self._join(topic, DIRECT, parents)
        await self._sync_child_groups()
        await self.send_json({"type": "subscribed", "topic": topic})
        if registered.presence and presence_allowed():
            await self.send_json(
                {"type": "presence.snapshot", "topic": topic, "user_ids": await presence.online(topic)}
            )

    async def unsubscribe(self, topic: str) -> None:
        if topic in self.aggregates:
            self.aggregates.discard(topic)
            source, names = topic, [name for name, sources in self.topics.items() if topic in sources]
        else:
            source, names = DIRECT, [topic] if topic in self.topics else []
        for name in names:
            self.topics[name].discard(source)
            if not self.topics[name]:
                await self._leave(name)
        await self._sync_child_groups()
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def relay(self, kind: str, topic: str) -> None:
        """Re-broadcast a client message (``typing``) to the topic's other subscribers."""
        found = topic_kind(topic)
        if found is None or topic not in self.topics or kind not in found[0].relay:
            return
        if kind == "typing" and not presence_allowed():
            return  # the works council switched typing indicators off with presence
        now = time.monotonic()
        if now - self.relayed_at.get((kind, topic), -RELAY_INTERVAL) < RELAY_INTERVAL:
            return
        self.relayed_at[(kind, topic)] = now
        event = {"type": kind, "topic": topic, "user_id": self.user.pk, "name": _display_name(self.user)}
        await self.channel_layer.group_send(
            topic, {"type": EVENT_MESSAGE, "group": topic, "event": event, "exclude_user": self.user.pk}
        )

    # Channel-layer messages -----------------------------------------------------------------------

    async def realtime_event(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        group = message.get("group")
        if group is not None and group != self.user_group and group not in self.topics:
            return  # left (or revoked) while the event was queued
        if message.get("exclude_user") == self.user.pk:
            return
        await self.send_json(message["event"])

    async def realtime_close(self, message: dict[str, Any]) -> None:
        await self._shut()

    async def realtime_recheck(self, message: dict[str, Any]) -> None:
        """Re-check the session, then the topics ``message`` names (all when it names none)."""
        token = str(message.get("id", ""))
        if self.closing or (token and token == self.last_recheck):
            return  # the same re-check reaches a socket through its topic and children groups
        self.last_recheck = token
        topic = message.get("topic")
        names = sorted(
            name for name in self.topics if not topic or name == topic or topic in self.parents.get(name, ())
        )
        try:
            verdicts = await database_sync_to_async(self._recheck)(names)
        except SignedOut:
            await self._shut()
            return
        revoked = []
        for name in names:
            allowed, parents = verdicts[name]
            if name not in self.topics:
                continue  # left while the checks ran
            if allowed:
                self.parents[name] = parents  # a merged post may have moved to another community
            else:
                await self._leave(name)
                revoked.append(name)
        await self._sync_child_groups()
        for name in revoked:
            await self.send_json({"type": "topic.revoked", "topic": name})

    async def realtime_revoke(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        revoked = str(message.get("topic", ""))
        gone = [name for name in self.topics if name == revoked or revoked in self.parents.get(name, ())]
        for name in gone:
            await self._leave(name)
        await self._sync_child_groups()
        for name in sorted({revoked, *gone}):
            await self.send_json({"type": "topic.revoked", "topic": name})

    # Internals ------------------------------------------------------------------------------------

    def _still_signed_in(self) -> bool:
        """Whether the socket's session still signs its person in (the fresh account replaces the
        one of the handshake, so checks see today's ``is_active`` and staff flags)."""
        user = signed_in_user(self.session_key, self.user.pk)
        if user is None:
            return False
        self.user = user
        return True

    def _subscribe_check(self, registered: TopicKind, pk: int) -> tuple[bool, frozenset[str]]:
        """The session re-check, then the topic's check (one worker-thread hop for both)."""
        if not self._still_signed_in():
            raise SignedOut
        return self._check(registered, pk)

    def _subscribe_expand(self, expand: AggregateExpand) -> list[str] | None:
        if not self._still_signed_in():
            raise SignedOut
        return self._expand(expand)

    def _recheck(self, names: list[str]) -> dict[str, tuple[bool, frozenset[str]]]:
        """The session re-check, then each topic's check (one worker-thread hop for all)."""
        if not self._still_signed_in():
            raise SignedOut
        verdicts: dict[str, tuple[bool, frozenset[str]]] = {}
        for name in names:
            found = topic_kind(name)
            verdicts[name] = self._check(*found) if found is not None else (False, frozenset())
        return verdicts

    async def _shut(self) -> None:
        """Leave everything and close with 4401: the session no longer signs this person in."""
        if self.closing:
            return
        self.closing = True
        await self._leave_everything()
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _leave_everything(self) -> None:
        for topic in list(self.topics):
            await self._leave(topic)
        await self._sync_child_groups()
        await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def _sync_child_groups(self) -> None:
        """Be in ``children.<parent>`` exactly for the parents of the topics held."""
        wanted = {children_group(parent) for parents in self.parents.values() for parent in parents}
        for group in sorted(wanted - self.child_groups):
            await self.channel_layer.group_add(group, self.channel_name)
        for group in sorted(self.child_groups - wanted):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.child_groups = wanted

    def _check(self, registered: TopicKind, pk: int) -> tuple[bool, frozenset[str]]:
        try:
            if not registered.check(self.user, pk):
                return False, frozenset()
            parents = frozenset(registered.parents(pk)) if registered.parents else frozenset()
        except Exception:  # a failing check refuses; it never kills the socket
            logger.exception("realtime topic check failed", extra={"kind": registered.kind, "id": pk})
            return False, frozenset()
        return True, parents

    def _expand(self, expand: AggregateExpand) -> list[str] | None:
        try:
            return [topic for topic in expand(self.user) if topic_kind(topic) is not None]
        except Exception:
            logger.exception("realtime aggregate expansion failed")
            return None

    async def _subscribe_aggregate(self, name: str, expand: AggregateExpand) -> None:
        try:
            topics = await database_sync_to_async(self._subscribe_expand)(expand)
        except SignedOut:
            await self._refuse_and_shut(name)
            return
        if topics is None:
            await self._refuse(name)
            return
        self.aggregates.add(name)
        joined = []
        for topic in topics:
            if topic not in self.topics and len(self.topics) >= max_topics():
                break
            await self._join(topic, name, frozenset())
            joined.append(topic)
        await self.send_json({"type": "subscribed", "topic": name, "topics": joined})

    async def _join(self, topic: str, source: str, parents: frozenset[str]) -> None:
        if topic not in self.topics:
            await self.channel_layer.group_add(topic, self.channel_name)
            self.topics[topic] = set()
            found = topic_kind(topic)
            if found is not None and found[0].presence:
                self.presence_topics.add(topic)
                if await presence.enter(topic, self.user.pk, self.channel_name):
                    await self._announce(topic, online=True)
        self.topics[topic].add(source)
        self.parents[topic] = self.parents.get(topic, frozenset()) | parents

    async def _leave(self, topic: str) -> None:
        # Forget the topic before the first await: from here on its events are dropped.
        self.topics.pop(topic, None)
        self.parents.pop(topic, None)
        await self.channel_layer.group_discard(topic, self.channel_name)
        if topic in self.presence_topics:
            self.presence_topics.discard(topic)
            if await presence.leave(topic, self.user.pk, self.channel_name):
                await self._announce(topic, online=False)

    async def _announce(self, topic: str, *, online: bool) -> None:
        event = {"type": "presence", "topic": topic, "user_id": self.user.pk, "online": online}
        await self.channel_layer.group_send(topic, {"type": EVENT_MESSAGE, "group": topic, "event": event})

    async def _refuse_and_shut(self, topic: str) -> None:
        await self._refuse(topic)
        await self._shut()

    async def _refuse(self, topic: str, reason: str = "") -> None:
        answer = {"type": "subscribe.refused", "topic": topic}
        if reason:
            answer["reason"] = reason
        await self.send_json(answer)
