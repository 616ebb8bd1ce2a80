"""The notice to a subscription's owners that it was disabled after repeated failure.

Recipients: the creator of a platform subscription (if still a coordinator); the active owners of a
community's subscription. Queued subscriber of ``webhook.disabled``; idempotent by event key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.api import Membership
from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from .events import WEBHOOK_DISABLED
from .models import Subscription

KIND = "webhooks.disabled"


def recipients_of(subscription: Subscription) -> list[int]:
    if subscription.community_id is None:
        return [subscription.created_by_id] if subscription.created_by_id else []
    return list(
        Membership.objects.filter(
            community_id=subscription.community_id, role=Membership.Role.OWNER, state=Membership.State.ACTIVE
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@subscriber(WEBHOOK_DISABLED, name="webhooks.notify_disabled")
def notify_disabled(event: Event) -> None:
    subscription = Subscription.objects.filter(pk=event["subscription_id"]).first()
    if subscription is None:
        return
    notify(
        recipient_ids=recipients_of(subscription),
        kind=KIND,
        event_key=f"webhook-disabled:{subscription.pk}:{event['at']}",
        url=subscription.get_absolute_url(),
        # The host only: the path may hold a token of the receiving system.
        params={"host": urlsplit(subscription.url).hostname or "", "failures": event["failures"]},
    )


def _message(params: Mapping[str, Any], count: int) -> str:
    return _("The webhook to %(host)s was switched off after %(failures)s failed deliveries in a row.") % {
        "host": params.get("host", ""),
        "failures": params.get("failures", ""),
    }


def register() -> None:
    register_kind(KIND, gettext_lazy("Webhooks switched off after failures"), Delivery.IMMEDIATE, _message)
