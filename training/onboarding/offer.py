"""Auto-offer: a newly appointed community manager is invited to the basic programme.

:func:`training.onboarding.events.on_manager_appointed` records ``programme_offer.requested``;
the subscriber below makes the offer in a worker.
"""

from __future__ import annotations

from intranet.core.outbox import Event, subscriber
from training.certificates.selectors import valid_certificate_exists
from training.programmes.models import Enrolment, Programme

from . import events
from .notify import notify_programme_offer


def basic_programme_offer(*, user_id: int, community_id: int) -> bool:
    """Offer the published basic programme to ``user_id`` unless enrolled or holding a valid
    certificate of it.

    Idempotent: the notification's event key is per person and programme, so a second appointment
    (another community) does not offer it again. Returns whether an offer was sent.
    """
    programme = Programme.objects.published().filter(is_basic=True).order_by("id").first()
    if programme is None:
        return False
    if Enrolment.objects.filter(user_id=user_id, programme=programme).exists():
        return False
    if valid_certificate_exists(user_id, programme.pk):
        return False
    notify_programme_offer(user_id=user_id, programme_id=programme.pk, community_id=community_id)
    return True


@subscriber(events.PROGRAMME_OFFER_REQUESTED, name="training.onboarding.offer_basic_programme")
def on_programme_offer_requested(event: Event) -> None:
    basic_programme_offer(user_id=event["user_id"], community_id=event["community_id"])
