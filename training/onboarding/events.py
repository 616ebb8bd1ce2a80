"""Onboarding of new community managers: the event that asks for the basic-programme offer, and
the receiver that turns communities' ``manager_appointed`` signal into it.

Subscribers: :mod:`training.onboarding.offer`.
"""

from __future__ import annotations

from typing import Any

from intranet.core import outbox

PROGRAMME_OFFER_REQUESTED = "programme_offer.requested"

outbox.declare(PROGRAMME_OFFER_REQUESTED)


def programme_offer_requested(*, user_id: int, community_id: int) -> None:
    """Someone became a community manager: offer them the basic programme (queued)."""
    outbox.record(PROGRAMME_OFFER_REQUESTED, user_id=user_id, community_id=community_id)


def on_manager_appointed(sender: Any, *, community_id: int, user_id: int, **kwargs: Any) -> None:
    """Receiver of ``communities.api.manager_appointed`` (sent after the appointment committed).

    It only records the event: the offer itself runs in a worker, so it can neither slow down nor
    break the appointment.
    """
    programme_offer_requested(user_id=user_id, community_id=community_id)
