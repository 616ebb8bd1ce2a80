"""The outbox subscriber that turns domain events into webhook deliveries.

Queued (in a worker, once per event thanks to the outbox receipt): it creates the deliveries in
the receipt's transaction and kicks each receiving subscription's queue after commit.
"""

from __future__ import annotations

from django.db import transaction

from intranet.core.outbox import QUEUED, Event, subscriber

from . import catalogue
from .services import deliveries_create_for_event
from .tasks import dispatch_later


@subscriber(*catalogue.SOURCE_EVENTS, name="webhooks.deliveries_create", when=QUEUED)
def create_deliveries(event: Event) -> None:
    subscription_ids = deliveries_create_for_event(event=event)
    for subscription_id in subscription_ids:
        transaction.on_commit(lambda pk=subscription_id: dispatch_later(pk))  # type: ignore[misc]
