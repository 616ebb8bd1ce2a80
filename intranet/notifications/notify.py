"""Outbox subscribers of notifications that send e-mail."""

from __future__ import annotations

from intranet.core.outbox import Event, subscriber

from . import emails
from .events import NOTIFICATION_MAIL_DUE


@subscriber(NOTIFICATION_MAIL_DUE, name="notifications.email.immediate")
def email_immediate(event: Event) -> None:
    """E-mail the "immediate" rows of a fan-out chunk (rows already mailed are skipped)."""
    emails.send_immediate(event["notification_ids"])
