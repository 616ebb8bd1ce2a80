"""The inbox on the websocket: ``inbox.changed`` to the ``user.<id>`` groups of the people concerned.

Runs right after commit (``COMMIT``); the recipients are looked up only then, so the writer's
transaction pays one outbox row and nothing else.
"""

from __future__ import annotations

from communities.inbox import events
from communities.inbox.hooks import inbox_recipient_ids
from intranet.core.outbox import COMMIT, Event, subscriber
from intranet.core.realtime import publish_many, user_group


@subscriber(events.INBOX_CHANGED, name="communities.inbox.live_changed", when=COMMIT)
def publish_inbox_changed(event: Event) -> None:
    recipients = inbox_recipient_ids(event["community_ids"], escalated=event["escalated"]) | set(event["user_ids"])
    publish_many((user_group(uid), {"type": "inbox.changed"}) for uid in sorted(recipients))
