"""Domain events of meetups, recorded in the outbox by the services (ids and primitives only).

Consumers (:mod:`meetups.events.notify`) subscribe to them; the services import nothing that reacts.

======================  ===================================  =========================================
event                   payload                              recorded when
======================  ===================================  =========================================
``rsvp.promoted``       ``event_id``, ``user_ids``           people moved up from the waitlist
``meetup.cancelled``    ``event_id``, ``actor_id``           an organiser cancelled a date
``rsvp.reminded``       ``event_id``, ``user_ids``           answers were stamped for a reminder
``meetup.created``      ``event_id``, ``series_id``,         an organiser added a date to a series
                        ``actor_id``                         (webhooks; generated dates record none)
======================  ===================================  =========================================
"""

from __future__ import annotations

from collections.abc import Sequence

from intranet.core import outbox

RSVP_PROMOTED = "rsvp.promoted"
MEETUP_CANCELLED = "meetup.cancelled"
RSVP_REMINDED = "rsvp.reminded"
MEETUP_CREATED = "meetup.created"

outbox.declare(RSVP_PROMOTED, MEETUP_CANCELLED, RSVP_REMINDED, MEETUP_CREATED)


def rsvp_promoted(*, event_id: int, user_ids: Sequence[int]) -> None:
    outbox.record(RSVP_PROMOTED, event_id=event_id, user_ids=list(user_ids))


def meetup_cancelled(*, event_id: int, actor_id: int | None) -> None:
    outbox.record(MEETUP_CANCELLED, event_id=event_id, actor_id=actor_id)


def rsvp_reminded(*, event_id: int, user_ids: Sequence[int]) -> None:
    outbox.record(RSVP_REMINDED, event_id=event_id, user_ids=list(user_ids))


def meetup_created(*, event_id: int, series_id: int, actor_id: int | None) -> None:
    outbox.record(MEETUP_CREATED, event_id=event_id, series_id=series_id, actor_id=actor_id)
