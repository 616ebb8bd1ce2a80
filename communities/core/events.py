"""The domain events of communities' core (memberships), recorded in the outbox.

The membership services call these helpers inside their transaction; the features that react
subscribe by event name (``communities.core.notify`` tells people, ``communities.inbox.receivers``
opens and closes join-request items). Payloads carry ids and primitives only.

==============================  ====================================================================
event                           payload
==============================  ====================================================================
``membership.requested``        membership_id, community_id, user_id, message
``membership.decided``          membership_id, community_id, user_id, approved, actor_id
``membership.request_closed``   membership_id, community_id, actor_id (a pending request withdrawn,
                                removed or turned into a ban)
``members.invited``             community_id, user_ids, actor_id, token
``membership.role_changed``     membership_id, community_id, user_id, role, actor_id, token
``membership.joined``           community_id, user_id, role (an active membership began: joined,
                                approved, invitation accepted, community founded)
``membership.left``             community_id, user_id, role, how (``left``, ``removed`` or ``banned``;
                                only for people who were active members)
==============================  ====================================================================
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from communities.core.models import Community, Membership
from intranet.core import outbox

MEMBERSHIP_REQUESTED = "membership.requested"
MEMBERSHIP_DECIDED = "membership.decided"
MEMBERSHIP_REQUEST_CLOSED = "membership.request_closed"
MEMBERS_INVITED = "members.invited"
MEMBERSHIP_ROLE_CHANGED = "membership.role_changed"
MEMBERSHIP_JOINED = "membership.joined"
MEMBERSHIP_LEFT = "membership.left"

outbox.declare(
    MEMBERSHIP_REQUESTED, MEMBERSHIP_DECIDED, MEMBERSHIP_REQUEST_CLOSED, MEMBERS_INVITED, MEMBERSHIP_ROLE_CHANGED
)
outbox.declare(MEMBERSHIP_JOINED, MEMBERSHIP_LEFT)


def membership_requested(membership: Membership) -> None:
    outbox.record(
        MEMBERSHIP_REQUESTED,
        membership_id=membership.pk,
        community_id=membership.community_id,
        user_id=membership.user_id,
        message=membership.request_message,
    )


def membership_decided(membership: Membership, *, approved: bool, actor_id: int | None) -> None:
    """Record before a declined row is deleted (its id is part of the notification key)."""
    outbox.record(
        MEMBERSHIP_DECIDED,
        membership_id=membership.pk,
        community_id=membership.community_id,
        user_id=membership.user_id,
        approved=approved,
        actor_id=actor_id,
    )


def membership_request_closed(membership: Membership, actor_id: int | None = None) -> None:
    outbox.record(
        MEMBERSHIP_REQUEST_CLOSED,
        membership_id=membership.pk,
        community_id=membership.community_id,
        actor_id=actor_id,
    )


def members_invited(community: Community, user_ids: Iterable[int], actor_id: int | None) -> None:
    outbox.record(
        MEMBERS_INVITED,
        community_id=community.pk,
        user_ids=sorted(user_ids),
        actor_id=actor_id,
        token=time.time_ns(),
    )


def membership_role_changed(membership: Membership, actor_id: int | None) -> None:
    outbox.record(
        MEMBERSHIP_ROLE_CHANGED,
        membership_id=membership.pk,
        community_id=membership.community_id,
        user_id=membership.user_id,
        role=membership.role,
        actor_id=actor_id,
        token=time.time_ns(),
    )


def membership_joined(*, community_id: int, user_id: int, role: str) -> None:
    outbox.record(MEMBERSHIP_JOINED, community_id=community_id, user_id=user_id, role=role)


def membership_left(*, community_id: int, user_id: int, role: str, how: str) -> None:
    outbox.record(MEMBERSHIP_LEFT, community_id=community_id, user_id=user_id, role=role, how=how)
