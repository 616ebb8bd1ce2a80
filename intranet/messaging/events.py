"""The events direct messages record in the outbox; subscribers live in ``realtime.py``."""

from __future__ import annotations

from intranet.core import outbox

MESSAGE_CREATED = "message.created"
CONVERSATION_READ = "conversation.read"
CONVERSATION_LEFT = "conversation.left"

outbox.declare(MESSAGE_CREATED, CONVERSATION_READ, CONVERSATION_LEFT)


def message_created(*, conversation_id: int, message_id: int, author_id: int, author_had_unread: bool) -> None:
    """A message was sent; ``author_had_unread``: writing read messages the author had not read."""
    outbox.record(
        MESSAGE_CREATED,
        conversation_id=conversation_id,
        message_id=message_id,
        author_id=author_id,
        author_had_unread=author_had_unread,
    )


def conversation_read(*, conversation_id: int, user_id: int) -> None:
    outbox.record(CONVERSATION_READ, conversation_id=conversation_id, user_id=user_id)


def conversation_left(*, conversation_id: int, user_id: int) -> None:
    outbox.record(CONVERSATION_LEFT, conversation_id=conversation_id, user_id=user_id)
