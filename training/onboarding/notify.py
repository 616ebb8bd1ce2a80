"""Notifications of onboarding: the offer of the basic programme to a new community manager."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify
from training.programmes.models import Programme

OFFER = "training.programme_offer"


def register() -> None:
    """Register the kinds (called from ``TrainingConfig.ready``)."""
    register_kind(
        OFFER,
        gettext_lazy("Training offers for community managers"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Welcome as a community manager: we invite you to the programme “%(programme)s”") % p,
    )


def notify_programme_offer(*, user_id: int, programme_id: int, community_id: int) -> None:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return
    notify(
        recipient_ids=[user_id],
        kind=OFFER,
        event_key=f"training.offer:{programme.pk}",
        url=reverse("training:programme_detail", args=[programme.pk]),
        params={"programme": programme.title, "community": community_id},
    )
