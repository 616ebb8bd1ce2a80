"""Who may read and write in conversations. Predicates are query-free. There is no queryset twin:
every read starts from the viewer's own current ``Participant`` rows (see the selectors).

The facts they look at are loaded by the selectors: the viewer's own ``Participant`` row (``None``
when the viewer is not in the conversation) and whether a block separates two people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from intranet.core.viewer import Viewer

if TYPE_CHECKING:
    from intranet.accounts.models import User

    from .models import Conversation, Participant


def can_view_conversation(viewer: Viewer, conversation: Conversation, participant: Participant | None) -> bool:
    """Only current participants read a conversation; everyone else gets the 404 of a missing one."""
    return (
        viewer.is_authenticated
        and participant is not None
        and participant.conversation_id == conversation.pk
        and participant.user_id == viewer.user_id
        and participant.left_at is None
    )


def can_send_message(
    viewer: Viewer, conversation: Conversation, participant: Participant | None, *, blocked: bool
) -> bool:
    """Participants write, except in a one-to-one conversation that a block separates (either way)."""
    if not can_view_conversation(viewer, conversation, participant):
        return False
    return not (blocked and not conversation.is_group)


def can_block_user(viewer: Viewer, user: User) -> bool:
    return viewer.is_authenticated and viewer.user_id != user.pk


def can_leave_conversation(viewer: Viewer, conversation: Conversation, participant: Participant | None) -> bool:
    """Groups can be left; a one-to-one conversation stays (block the person instead)."""
    return conversation.is_group and can_view_conversation(viewer, conversation, participant)
