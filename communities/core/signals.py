"""Signals of the communities app for apps that must not know its services.

``manager_appointed`` is sent on commit (never inside the transaction) whenever someone becomes
owner or manager of a community: at creation, by a role change or by an ownership transfer.
Receivers get ``community_id`` and ``user_id`` (ints) and must not raise.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

manager_appointed = Signal()


def send_manager_appointed_on_commit(*, community_id: int, user_id: int) -> None:
    """Queue ``manager_appointed`` for after the current transaction commits."""

    def _send() -> None:
        manager_appointed.send(sender=None, community_id=community_id, user_id=user_id)

    transaction.on_commit(_send)
