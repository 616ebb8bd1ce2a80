"""Every write of the communities app. Import from here: ``from communities.services import ...``.

Split by sub-domain: ``community`` (the community itself), ``membership`` (one person's relation to
a community) and ``bulk_invite`` (many invitations at once); ``posts``, ``comments``, ``reactions``
and ``attachments`` for what people write.
"""

from .bulk_invite import BulkInviteReport, InvalidLine, membership_invite_bulk
from .comments import answer_accept, answer_unaccept, comment_create, comment_delete, comment_update
from .community import (
    RESERVED_SLUGS,
    community_archive,
    community_create,
    community_recount_members,
    community_set_official,
    community_settings_save,
    community_unarchive,
    community_update,
    slug_base,
)
from .membership import (
    membership_accept_invitation,
    membership_approve,
    membership_ban,
    membership_change_role,
    membership_decline,
    membership_decline_invitation,
    membership_invite,
    membership_join,
    membership_leave,
    membership_remove,
    membership_request,
    membership_set_notification_level,
    membership_unban,
)
from .posts import post_create, post_delete, post_lock, post_pin, post_unlock, post_unpin, post_update
from .reactions import ReactionResult, reaction_toggle

__all__ = [
    "RESERVED_SLUGS",
    "BulkInviteReport",
    "InvalidLine",
    "ReactionResult",
    "answer_accept",
    "answer_unaccept",
    "comment_create",
    "comment_delete",
    "comment_update",
    "community_archive",
    "community_create",
    "community_recount_members",
    "community_set_official",
    "community_settings_save",
    "community_unarchive",
    "community_update",
    "membership_accept_invitation",
    "membership_approve",
    "membership_ban",
    "membership_change_role",
    "membership_decline",
    "membership_decline_invitation",
    "membership_invite",
    "membership_invite_bulk",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_request",
    "membership_set_notification_level",
    "membership_unban",
    "post_create",
    "post_delete",
    "post_lock",
    "post_pin",
    "post_unlock",
    "post_unpin",
    "post_update",
    "reaction_toggle",
    "slug_base",
]
