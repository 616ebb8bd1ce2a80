"""Recording membership history; called by ``communities.core.services`` inside their transactions."""

from __future__ import annotations

from communities.core import events
from communities.core.models import Membership, MembershipEvent
from communities.core.signals import send_manager_appointed_on_commit

Kind = MembershipEvent.Kind

#: Roles whose appointment sends ``communities.core.signals.manager_appointed``.
MANAGING_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.MANAGER})


def membership_event_record(*, community_id: int, user_id: int | None, kind: str, role: str = "") -> MembershipEvent:
    """Write one history row in the caller's transaction.

    ``role`` is the role after a ``joined`` or ``role_changed`` event; for ``left``, ``removed`` and
    ``banned`` it is the role the person held as an active member, or ``""`` if they were not one
    (a withdrawn request or a ban of an outsider), which the figures do not count as a leave.
    A join or role change into owner or manager sends ``manager_appointed`` on commit. A join and
    the end of an active membership also record ``membership.joined`` / ``membership.left`` in the
    outbox (webhooks), so every path in and out of a community is covered by this one call.
    """
    event = MembershipEvent.objects.create(community_id=community_id, user_id=user_id, kind=kind, role=role)
    if user_id is not None and kind == Kind.JOINED:
        events.membership_joined(community_id=community_id, user_id=user_id, role=role)
    elif user_id is not None and role and kind in (Kind.LEFT, Kind.REMOVED, Kind.BANNED):
        events.membership_left(community_id=community_id, user_id=user_id, role=role, how=kind)
    if user_id is not None and kind in (Kind.JOINED, Kind.ROLE_CHANGED) and role in MANAGING_ROLES:
        send_manager_appointed_on_commit(community_id=community_id, user_id=user_id)
    return event
