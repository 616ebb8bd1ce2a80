"""The events notifications record in the outbox; subscribers live in ``realtime.py`` and ``notify.py``."""

from __future__ import annotations

from collections.abc import Sequence

from intranet.core import outbox

NOTIFICATION_CREATED = "notification.created"
NOTIFICATION_READ = "notification.read"
NOTIFICATION_MAIL_DUE = "notification.mail_due"

outbox.declare(NOTIFICATION_CREATED, NOTIFICATION_READ, NOTIFICATION_MAIL_DUE)


def notifications_created(*, recipient_ids: Sequence[int], immediate_ids: Sequence[int]) -> None:
    """Rows were created (or refreshed) for ``recipient_ids``; ``immediate_ids`` are to be mailed now.

    The mail is an event of its own, recorded only when a chunk has "immediate" rows: a fan-out of
    daily-digest rows queues no e-mail work at all.
    """
    outbox.record(NOTIFICATION_CREATED, recipient_ids=list(recipient_ids))
    if immediate_ids:
        outbox.record(NOTIFICATION_MAIL_DUE, notification_ids=list(immediate_ids))


def notifications_read(*, recipient_id: int) -> None:
    """Some of ``recipient_id``'s notifications were marked read."""
    outbox.record(NOTIFICATION_READ, recipient_id=recipient_id)
