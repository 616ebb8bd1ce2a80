"""The domain events of the inbox, recorded in the outbox.

==================  ==========================================================================
event               payload
==================  ==========================================================================
``inbox.changed``   community_ids, escalated, user_ids: items of these communities changed (the
                    people who work them, coordinators too when ``escalated``, and ``user_ids``
                    hear about it live: ``communities.inbox.realtime``)
==================  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from intranet.core import outbox

INBOX_CHANGED = "inbox.changed"

outbox.declare(INBOX_CHANGED)


def inbox_changed(
    community_ids: Iterable[int], *, escalated: bool = False, user_ids: Iterable[int | None] = ()
) -> None:
    outbox.record(
        INBOX_CHANGED,
        community_ids=sorted(set(community_ids)),
        escalated=escalated,
        user_ids=sorted({uid for uid in user_ids if uid}),
    )
