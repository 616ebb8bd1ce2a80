"""Notifications of inspiration tandems: the kinds, who hears about what, and the outbox subscriber.

The services record the events of :mod:`meetups.tandems.events`; the ``QUEUED`` subscriber below
calls :func:`notify_tandem`, which reads the committed tandem and tells the managers (owners and
managers) of both sides, never the actor. Idempotent per outbox event through the event key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.api import Membership
from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from . import events
from .models import Tandem

PROPOSED = "tandem.proposed"
UPDATE = "tandem.update"


def _update_message(p: Mapping[str, Any], count: int) -> str:
    messages = {
        "accepted": _("%(actor)s accepted the tandem of %(a)s and %(b)s"),
        "started": _("The tandem of %(a)s and %(b)s has started: both sides accepted"),
        "declined": _("%(actor)s declined the tandem of %(a)s and %(b)s"),
        "withdrawn": _("%(actor)s withdrew the tandem of %(a)s and %(b)s"),
        "closed": _("%(actor)s closed the tandem of %(a)s and %(b)s"),
        "meeting": _("%(actor)s logged a meeting of the tandem of %(a)s and %(b)s"),
        "learnings": _("%(actor)s shared the learnings of the tandem of %(a)s and %(b)s"),
    }
    return messages[str(p["event"])] % p


def register() -> None:
    """Register the tandem kinds (called from ``MeetupsConfig.ready``)."""
    register_kind(
        PROPOSED,
        gettext_lazy("Tandems proposed to my communities"),
        Delivery.IMMEDIATE,
        lambda p, c: _("%(actor)s proposed a tandem of %(a)s and %(b)s") % p,
    )
    register_kind(UPDATE, gettext_lazy("News of my communities' tandems"), Delivery.IN_APP, _update_message)


def side_manager_ids(tandem: Tandem) -> set[int]:
    sides = [cid for cid in (tandem.community_id, tandem.other_community_id) if cid is not None]
    return set(
        Membership.objects.filter(
            community_id__in=sides,
            state=Membership.State.ACTIVE,
            role__in=[Membership.Role.OWNER, Membership.Role.MANAGER],
        ).values_list("user_id", flat=True)
    )


def notify_tandem(tandem_id: int, event: str, actor_id: int | None, token: int) -> None:
    tandem = Tandem.objects.select_related("community", "other_community", "partner").filter(pk=tandem_id).first()
    if tandem is None:
        return
    recipients = side_manager_ids(tandem)
    if tandem.proposed_by_id and event in ("accepted", "started", "declined"):
        recipients.add(tandem.proposed_by_id)
    actor = get_user_model().objects.filter(pk=actor_id).only("display_name", "email").first() if actor_id else None
    other = tandem.other_community or tandem.partner
    params = {
        "actor": (actor.display_name or actor.email) if actor is not None else "",
        "a": tandem.community.name,
        "b": str(other),
        "event": event,
    }
    notify(
        recipient_ids=recipients,
        kind=PROPOSED if event == "proposed" else UPDATE,
        event_key=f"tandem:{tandem.pk}:{event}:{token}",
        actor=actor_id,
        url=reverse("meetups:tandem_detail", kwargs={"pk": tandem.pk}),
        params=params,
    )


#: The word each event is told with (``_update_message``); kept from before the outbox.
_WORDS = {
    events.TANDEM_PROPOSED: "proposed",
    events.TANDEM_ACCEPTED: "accepted",
    events.TANDEM_STARTED: "started",
    events.TANDEM_DECLINED: "declined",
    events.TANDEM_WITHDRAWN: "withdrawn",
    events.TANDEM_CLOSED: "closed",
    events.TANDEM_MEETING_LOGGED: "meeting",
    events.TANDEM_LEARNINGS_SHARED: "learnings",
}


@subscriber(*events.ALL, name="meetups.tandems.notify")
def on_tandem_event(event: Event) -> None:
    notify_tandem(event["tandem_id"], _WORDS[event.name], event.get("actor_id"), event.id)
