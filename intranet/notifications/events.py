"""The events notifications record in the outbox; subscribers live in ``realtime.py`` and ``notify.py``."""

from __future__ import annotations

from collections.abc import Sequence

from intranet.core import outbox

NOTIFICATION_CREATED = "notification.created"
NOTIFICATION_READ = "notification.read"

outbox.declare(NOTIFICATION_CREATED, NOTIFICATION_READ)


def notifications_created(*, recipient_ids: Sequence[int], immediate_ids: Sequence[int]) -> None:
    """Rows were created (or refreshed) for ``recipient_ids``; ``immediate_ids`` are to be mailed now."""
    outbox.record(NOTIFICATION_CREATED, recipient_ids=list(recipient_ids), immediate_ids=list(immediate_ids))


def notifications_read(*, recipient_id: int) -> None:
    """Some of ``recipient_id``'s notifications were marked read."""
    outbox.record(NOTIFICATION_READ, recipient_id=recipient_id)
