"""What erasing a person (issue 23) does to their direct messages, as ``ERASURE_DIRECT_MESSAGES`` says.

* ``"delete"`` (default): the messages the person sent are removed for everyone; each conversation's
  last-message preview is rebuilt from what remains.
* ``"anonymise"``: the messages stay for the other participants under "former employee" (the
  eraser's generic pass re-attributes them); the person's name in previews is replaced.

Registered with the kernel's erasure steps by ``MessagingConfig``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape

from intranet.core.erasure import ErasureContext
from intranet.core.markdown import plain_text

from .models import PREVIEW_LENGTH, Conversation, Message


def refresh_previews(conversation_ids: set[int]) -> None:
    for conversation in Conversation.objects.filter(pk__in=conversation_ids):
        last = Message.objects.filter(conversation=conversation).order_by("-id").first()
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message=last,
            last_message_author_id=last.author_id if last else None,
            last_message_preview=plain_text(escape(last.body_text), limit=PREVIEW_LENGTH) if last else "",
        )


def erase_person_messages(ctx: ErasureContext) -> None:
    """The messaging step of erasing ``ctx.user`` (see the module docstring)."""
    sent = Message.objects.filter(author=ctx.user)
    conversation_ids = set(sent.values_list("conversation_id", flat=True))
    conversation_ids |= set(Conversation.objects.filter(last_message_author=ctx.user).values_list("pk", flat=True))
    if getattr(settings, "ERASURE_DIRECT_MESSAGES", "delete") == "anonymise":
        moved = sent.update(author=ctx.placeholder)
        ctx.count("messaging.Message", "anonymised", moved)
        Conversation.objects.filter(last_message_author=ctx.user).update(last_message_author=ctx.placeholder)
        return
    ctx.count("messaging.Message", "deleted", sent.delete()[0])
    refresh_previews(conversation_ids)
