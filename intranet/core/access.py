"""One event for "read access may have changed": open sockets re-check what they still may hear.

Every transition that can take read access away records :func:`access_changed` in its transaction:
a membership left, removed, banned or given another role, a community's visibility changed, a
community archived or merged, an account deactivated. After commit the subscriber below asks the
sockets concerned to re-check their topics (:func:`intranet.core.realtime.recheck`); each socket
runs the topic checks its app registered, leaves what it may no longer read and tells the browser
(``topic.revoked``). The event says only *who* or *what* to re-check, never the verdict, so the one
rulebook decides, with the committed state.

==================  ============================================================================
event               payload
==================  ============================================================================
``access.changed``  reason (the transition, e.g. ``"membership.removed"``), user_ids (whose sockets
                    re-check; empty: every socket holding ``topic``), topic (``None``: all topics)
==================  ============================================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from . import outbox, realtime
from .outbox import Event

ACCESS_CHANGED = "access.changed"

outbox.declare(ACCESS_CHANGED)


def access_changed(*, reason: str, user_ids: Iterable[int] = (), topic: str | None = None) -> None:
    """Record that the read access of ``user_ids`` to ``topic`` may have changed (in this transaction).

    ``user_ids`` empty means everybody holding ``topic`` (a visibility change); ``topic=None`` means
    every topic of those people (a deactivation). ``reason`` names the transition, for operators.
    """
    ids = sorted(set(user_ids))
    if not ids and topic is None:
        raise ValueError("access_changed needs user_ids, a topic or both.")
    outbox.record(ACCESS_CHANGED, reason=reason, user_ids=ids, topic=topic)


@outbox.subscriber(ACCESS_CHANGED, name="core.realtime.recheck_access", when=outbox.COMMIT)
def recheck_access(event: Event) -> None:
    """Ask the sockets concerned to re-check their topics (cheap, harmless when repeated)."""
    realtime.recheck(user_ids=event.get("user_ids") or [], topic=event.get("topic"))
