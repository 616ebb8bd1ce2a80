"""Notifications of career levels: a changed level.

The subscriber runs queued after the change committed, re-reads the change row and uses one event
key per change, so a delivery that runs twice notifies nobody twice.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from . import events
from .models import LevelChange

LEVEL_CHANGED = "training.level_changed"


def register() -> None:
    """Register the kind (called from ``TrainingConfig.ready``)."""
    register_kind(
        LEVEL_CHANGED,
        gettext_lazy("Changes of my career level"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Your career level is now: %(level)s") % p,
    )


def notify_level_changed(change_id: int) -> None:
    change = LevelChange.objects.select_related("to_level").filter(pk=change_id).first()
    if change is None:
        return
    level = change.to_level.name if change.to_level else str(_("no level"))
    notify(
        recipient_ids=[change.user_id],
        kind=LEVEL_CHANGED,
        event_key=f"training.level_changed:{change.pk}",
        actor=change.actor_id,
        url=reverse("training:level_list"),
        params={"level": level},
    )


@subscriber(events.LEVEL_CHANGED, name="training.levels.notify_changed")
def on_level_changed(event: Event) -> None:
    notify_level_changed(event["change_id"])
