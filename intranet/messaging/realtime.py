"""The ``conversation.<id>`` websocket topic: who may receive its events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from intranet.core.viewer import Viewer

from .models import Participant
from .permissions import can_view_conversation

if TYPE_CHECKING:
    from intranet.accounts.models import User


def may_receive_conversation(user: User, conversation_id: int) -> bool:
    """Current participants receive a conversation's events (one query); run by the consumer on
    subscribe, so a missing conversation and a foreign one are refused alike."""
    viewer = Viewer(user)
    if not viewer.is_authenticated:
        return False
    rows = Participant.objects.select_related("conversation")
    participant = rows.filter(conversation_id=conversation_id, user_id=user.pk).first()
    return participant is not None and can_view_conversation(viewer, participant.conversation, participant)
