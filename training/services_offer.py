"""Auto-offer: a newly appointed community manager is invited to the basic programme."""

from __future__ import annotations

import logging
from typing import Any

from . import notify
from .models import Certificate, Enrolment, Programme

logger = logging.getLogger(__name__)


def basic_programme_offer(*, user_id: int, community_id: int) -> bool:
    """Offer the published basic programme to ``user_id`` unless already enrolled or certified.

    Idempotent: the notification's event key is per person and programme, so a second appointment
    (another community) does not offer it again. Returns whether an offer was sent.
    """
    programme = Programme.objects.published().filter(is_basic=True).order_by("id").first()
    if programme is None:
        return False
    if Enrolment.objects.filter(user_id=user_id, programme=programme).exists():
        return False
    if Certificate.objects.filter(user_id=user_id, programme=programme, revoked_at__isnull=True).exists():
        return False
    notify.notify_programme_offer(user_id=user_id, programme_id=programme.pk, community_id=community_id)
    return True


def on_manager_appointed(sender: Any, *, community_id: int, user_id: int, **kwargs: Any) -> None:
    """Receiver of ``communities.signals.manager_appointed`` (sent on commit): queue the offer."""
    from .tasks import programme_offer_task

    try:
        programme_offer_task.delay(user_id, community_id)
    except Exception:  # a receiver must never break the sender's request; the broker logs it
        logger.exception("training: could not queue the basic-programme offer for user %s", user_id)
