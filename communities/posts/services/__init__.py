"""Writes of what people post: ``posts``, ``comments`` (and Q&A answers), ``reactions`` and
``attachments``. Import from here: ``from communities.posts.services import ...``."""

from communities.posts.services.comments import (
    answer_accept,
    answer_unaccept,
    comment_create,
    comment_delete,
    comment_update,
)
from communities.posts.services.posts import (
    post_create,
    post_delete,
    post_lock,
    post_pin,
    post_unlock,
    post_unpin,
    post_update,
)
from communities.posts.services.reactions import ReactionResult, reaction_toggle

__all__ = [
    "ReactionResult",
    "answer_accept",
    "answer_unaccept",
    "comment_create",
    "comment_delete",
    "comment_update",
    "post_create",
    "post_delete",
    "post_lock",
    "post_pin",
    "post_unlock",
    "post_unpin",
    "post_update",
    "reaction_toggle",
]
