"""Who is online in a topic right now: kept in the shared cache with a TTL, never stored anywhere else.

One cache entry per topic maps each user id to the sockets (channel names) they have open there and
when each socket's entry expires. Sockets refresh their entries on every heartbeat (the client's
``ping``), so a socket that vanished without saying goodbye (a killed process) drops out after
:data:`ENTRY_TTL` seconds. The read-modify-write is not atomic across processes; a lost update is
repaired by the next heartbeat, which is acceptable for a "who is here" indicator.

With the works-council switch ``PRIVACY_PRESENCE`` off (:func:`intranet.core.switches.presence_allowed`)
nothing is recorded: :func:`enter` and :func:`leave` never announce anyone and :func:`online` is empty.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from .switches import presence_allowed

#: Seconds a socket counts as present without a heartbeat (the browser pings every 25 seconds).
ENTRY_TTL = 70
#: Seconds the whole entry lives in the cache after its last change.
KEY_TTL = 120

Sockets = dict[str, float]
Entry = dict[str, Sockets]


def _key(topic: str) -> str:
    return f"realtime:presence:{topic}"


def _live(entry: Entry, now: float) -> Entry:
    fresh: Entry = {}
    for user, sockets in entry.items():
        alive = {channel: expiry for channel, expiry in sockets.items() if expiry > now}
        if alive:
            fresh[user] = alive
    return fresh


async def enter(topic: str, user_id: int, channel: str) -> bool:
    """Record ``channel`` of ``user_id`` in ``topic``; ``True`` if the user was offline there before."""
    if not presence_allowed():
        return False
    now = time.time()
    entry = _live(await cache.aget(_key(topic), {}), now)
    was_online = str(user_id) in entry
    entry.setdefault(str(user_id), {})[channel] = now + ENTRY_TTL
    await cache.aset(_key(topic), entry, KEY_TTL)
    return not was_online


async def leave(topic: str, user_id: int, channel: str) -> bool:
    """Forget ``channel``; ``True`` if the user has no other socket in ``topic`` (now offline)."""
    if not presence_allowed():
        return False
    now = time.time()
    entry = _live(await cache.aget(_key(topic), {}), now)
    sockets = entry.get(str(user_id), {})
    sockets.pop(channel, None)
    if sockets:
        entry[str(user_id)] = sockets
    else:
        entry.pop(str(user_id), None)
    if entry:
        await cache.aset(_key(topic), entry, KEY_TTL)
    else:
        await cache.adelete(_key(topic))
    return not sockets


async def refresh(topics: list[str], user_id: int, channel: str) -> None:
    """Extend this socket's entries (the heartbeat)."""
    for topic in topics:
        await enter(topic, user_id, channel)


async def online(topic: str) -> list[int]:
    """Ids of the users with at least one live socket in ``topic``, ascending."""
    if not presence_allowed():
        return []
    entry = _live(await cache.aget(_key(topic), {}), time.time())
    return sorted(int(user) for user in entry)
