"""Outbox subscribers of notifications that send e-mail."""

from __future__ import annotations

from intranet.core.outbox import Event, subscriber

from . import emails
from .events import NOTIFICATION_CREATED


@subscriber(NOTIFICATION_CREATED, name="notifications.email.immediate")
def email_immediate(event: Event) -> None:
    """E-mail the "immediate" rows of a fan-out chunk (rows already mailed are skipped)."""
    ids = event.get("immediate_ids") or []
    if ids:
        emails.send_immediate(ids)
