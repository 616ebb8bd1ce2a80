"""Signals of the communities app for apps that must not know its services.

``manager_appointed`` is sent after commit (never inside the transaction) whenever someone becomes
owner or manager of a community: at creation, by a role change or by an ownership transfer.
Receivers get ``community_id`` and ``user_id`` (ints) and must not raise.

The appointment is recorded as the outbox event ``manager.appointed`` in the appointing
transaction, and the signal is sent by its ``COMMIT`` subscriber: if the process dies between
commit and signal, the outbox sweep sends it from a worker, so no receiver misses an appointment.
"""

from __future__ import annotations

from django.dispatch import Signal

from intranet.core import outbox
from intranet.core.outbox import COMMIT, Event, subscriber

manager_appointed = Signal()

MANAGER_APPOINTED = "manager.appointed"
outbox.declare(MANAGER_APPOINTED)


def send_manager_appointed_on_commit(*, community_id: int, user_id: int) -> None:
    """Record the appointment; ``manager_appointed`` is sent once the transaction commits."""
    outbox.record(MANAGER_APPOINTED, community_id=community_id, user_id=user_id)


@subscriber(MANAGER_APPOINTED, name="communities.core.send_manager_appointed", when=COMMIT)
def send_manager_appointed(event: Event) -> None:
    manager_appointed.send(sender=None, community_id=event["community_id"], user_id=event["user_id"])
