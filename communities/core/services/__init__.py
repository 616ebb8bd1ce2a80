"""The writes of communities' core: communities and memberships.

Import from here: ``from communities.core.services import ...``.

Split by sub-domain: ``community`` (the community itself), ``membership`` (one person's relation to
a community) and ``bulk_invite`` (many invitations at once). What people write is in
``communities.posts.services``.
"""

from communities.core.services.bulk_invite import BulkInviteReport, InvalidLine, membership_invite_bulk
from communities.core.services.community import (
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
from communities.core.services.membership import (
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

__all__ = [
    "RESERVED_SLUGS",
    "BulkInviteReport",
    "InvalidLine",
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
    "slug_base",
]
