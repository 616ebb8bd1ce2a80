"""Reminders a day before: every person going hears once, stamped on their answer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from .. import events
from ..models import RSVP

REMIND_AHEAD = dt.timedelta(hours=24)


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Stamp the answers of people going to events that start within the next 24 hours and record
    one ``rsvp.reminded`` event per meetup (its subscriber sends the reminders); return how many
    people are reminded.

    Idempotent twice over: answers already stamped (``RSVP.reminded_at``) are skipped, and the
    notification itself is unique per person and event. Rows are claimed with ``SKIP LOCKED`` so
    two overlapping runs share the work instead of doubling it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            RSVP.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=RSVP.Status.GOING,
                reminded_at__isnull=True,
                event__cancelled=False,
                event__starts_at__gt=now,
                event__starts_at__lte=now + REMIND_AHEAD,
            )
            .order_by("event_id", "id")
            .values_list("id", "event_id", "user_id")
        )
        if not due:
            return 0
        by_event: dict[int, list[int]] = defaultdict(list)
        for _rsvp_id, event_id, user_id in due:
            by_event[event_id].append(user_id)
        RSVP.objects.filter(id__in=[row[0] for row in due]).update(reminded_at=now)
        for event_id, user_ids in by_event.items():
            events.rsvp_reminded(event_id=event_id, user_ids=user_ids)
    return len(due)
