"""Writes of the managers' network: a manager's own network settings, and asking for advice."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer
from intranet.messaging.models import Conversation
from intranet.messaging.services import conversation_start

from .models import MAX_ADVICE_TOPICS_LENGTH, NetworkProfile
from .permissions import can_ask_for_advice, can_edit_network_profile

if TYPE_CHECKING:
    from intranet.accounts.models import User


@transaction.atomic
def network_profile_update(*, actor: Viewer | User, opted_out: bool, advice_topics: str) -> NetworkProfile:
    """Set whether the actor is listed in the managers' network and what they advise on."""
    viewer = as_viewer(actor)
    require(can_edit_network_profile(viewer))
    text = " ".join((advice_topics or "").split())
    if len(text) > MAX_ADVICE_TOPICS_LENGTH:
        raise ValidationError(
            {"advice_topics": _("At most %(limit)s characters, please.") % {"limit": MAX_ADVICE_TOPICS_LENGTH}}
        )
    profile, _created = NetworkProfile.objects.select_for_update().get_or_create(user_id=viewer.user_id)
    before = {"opted_out": profile.opted_out}
    profile.opted_out = bool(opted_out)
    profile.advice_topics = text
    profile.save(update_fields=["opted_out", "advice_topics", "updated_at"])
    audit_log(
        actor=viewer.user,
        action="network.profile_updated",
        target=profile,
        before=before,
        after={"opted_out": profile.opted_out},
    )
    return profile


def advice_request(
    *,
    actor: Viewer | User,
    manager: User,
    profile: NetworkProfile | None,
    body: str,
    idempotency_key: uuid.UUID | None = None,
) -> Conversation:
    """Ask a listed manager for advice: their one-to-one conversation with the actor (started or
    reused) gets ``body`` as its next message. Refused for opted-out managers and oneself; blocks and
    inactive people are refused by the messaging service (``ValidationError``). ``idempotency_key``
    (the form's) goes to the messaging service: the same form sent again sends no second message."""
    viewer = as_viewer(actor)
    if not can_ask_for_advice(viewer, manager.pk, profile):
        raise PermissionDenied
    conversation, _message = conversation_start(
        actor=viewer, recipients=[manager], body=body, idempotency_key=idempotency_key
    )
    return conversation
