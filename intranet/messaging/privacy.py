"""What direct messages record about people (the register, intranet/core/privacy.py).

A person's export holds the messages they sent and the messages of every conversation they take
part in (received). On erasure the platform setting decides whether their messages are removed for
everyone or kept under "former employee".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import CONVERSATION_REASON, OnErase, actor, anonymised, kept, own, personal_data

from .models import Block, Conversation, Message, Participant

RENDERED = _("The same text as the source, rendered; follows the source.")

personal_data(
    Conversation,
    kind="direct_messages",
    label=_("Direct messages"),
    owners=("participants__user",),
    fields={
        "created_by": actor(export=True, reason=CONVERSATION_REASON),
        "last_message_author": actor(reason=CONVERSATION_REASON),
        "title": kept(CONVERSATION_REASON),
        "last_message_preview": kept(CONVERSATION_REASON, export=False),
    },
    other_fields={"direct_key": _("The two participants' row numbers, so two people share one conversation.")},
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
)
personal_data(
    Participant,
    kind="direct_messages",
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
)
personal_data(
    Message,
    kind="direct_messages",
    owners=("author", "conversation__participants__user"),
    fields={
        "author": anonymised(CONVERSATION_REASON),
        "body_source": kept(CONVERSATION_REASON),
        "body_html": kept(RENDERED, export=False),
        "body_text": kept(RENDERED, export=False),
    },
    on_erase=OnErase.ANONYMISE,
    reason=CONVERSATION_REASON,
    retention="RETENTION_DIRECT_MESSAGES_DAYS",
)
personal_data(
    Block,
    kind="blocks",
    label=_("Blocked people"),
    owners=("blocker",),
    fields={"blocker": own(), "blocked": own(export=False)},
    on_erase=OnErase.DELETE,
    reason=_("Who blocked the person is not shown to them (it would defeat the block)."),
)
