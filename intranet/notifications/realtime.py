"""Live updates of notifications: the unread badge of every tab of the people concerned."""

from __future__ import annotations

from collections.abc import Iterable

from intranet.core.outbox import COMMIT, Event, subscriber
from intranet.core.realtime import publish_many, user_group

from .events import NOTIFICATION_CREATED, NOTIFICATION_READ
from .selectors import unread_counts

#: The event every tab of a person receives when their unread count changed: {unread}.
CHANGED = "notifications.changed"


def publish_unread(user_ids: Iterable[int]) -> None:
    """Send ``notifications.changed`` {unread} to every tab of these people (one query)."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    counts = unread_counts(ids)
    publish_many((user_group(uid), {"type": CHANGED, "unread": counts.get(uid, 0)}) for uid in ids)


@subscriber(NOTIFICATION_CREATED, NOTIFICATION_READ, name="notifications.realtime.publish_unread", when=COMMIT)
def publish_unread_changed(event: Event) -> None:
    if event.name == NOTIFICATION_READ:
        publish_unread([event["recipient_id"]])
    else:
        publish_unread(event["recipient_ids"])
