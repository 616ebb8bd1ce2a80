"""Realtime of direct messages: who may receive the ``conversation.<id>`` topic, and the outbox
subscribers that publish ``message.created`` there and ``messages.changed`` {unread} to the
``user.<id>`` group of everyone whose unread total changed (ids and numbers only, never text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from intranet.core import realtime
from intranet.core.outbox import COMMIT, Event, subscriber
from intranet.core.viewer import Viewer

from .events import CONVERSATION_LEFT, CONVERSATION_READ, MESSAGE_CREATED
from .models import Conversation, Participant
from .permissions import can_view_conversation
from .selectors import conversation_unread_totals, unread_totals

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


def publish_unread(totals: dict[int, int]) -> None:
    for user_id, unread in totals.items():
        realtime.publish(realtime.user_group(user_id), {"type": "messages.changed", "unread": unread})


@subscriber(MESSAGE_CREATED, name="messaging.realtime.message_created", when=COMMIT)
def publish_message_created(event: Event) -> None:
    """Tell the conversation's sockets, then everyone whose unread total went up (one query)."""
    conversation_id = event["conversation_id"]
    topic = Conversation(pk=conversation_id).topic
    realtime.publish(
        topic, {"type": "message.created", "conversation_id": conversation_id, "message_id": event["message_id"]}
    )
    totals = conversation_unread_totals(conversation_id)
    # The author's total changes only when they had unread messages here (writing reads them).
    if not event["author_had_unread"]:
        totals.pop(event["author_id"], None)
    publish_unread(totals)


@subscriber(CONVERSATION_READ, CONVERSATION_LEFT, name="messaging.realtime.unread_changed", when=COMMIT)
def publish_unread_changed(event: Event) -> None:
    """The reader's (or leaver's) other tabs learn their new unread total (one query)."""
    publish_unread(unread_totals([event["user_id"]]))
