"""Domain events of inspiration tandems, recorded in the outbox by the services.

Every event carries ``tandem_id`` and ``actor_id`` (the person who acted, or ``None``);
:mod:`meetups.tandems.notify` tells the managers of both sides.

==========================  ==============================================================
event                       recorded when
==========================  ==============================================================
``tandem.proposed``         a tandem was proposed
``tandem.accepted``         one side accepted (the other has not yet)
``tandem.started``          the second side accepted: the tandem is active
``tandem.declined``         a side declined the proposal
``tandem.withdrawn``        the proposer or a coordinator withdrew it, or a side left
``tandem.closed``           an active tandem was finished
``tandem.meeting_logged``   a meeting was logged
``tandem.learnings_shared`` the learnings were shared with both communities
==========================  ==============================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from intranet.core import outbox

from .models import Tandem

if TYPE_CHECKING:
    from intranet.accounts.models import User

TANDEM_PROPOSED = "tandem.proposed"
TANDEM_ACCEPTED = "tandem.accepted"
TANDEM_STARTED = "tandem.started"
TANDEM_DECLINED = "tandem.declined"
TANDEM_WITHDRAWN = "tandem.withdrawn"
TANDEM_CLOSED = "tandem.closed"
TANDEM_MEETING_LOGGED = "tandem.meeting_logged"
TANDEM_LEARNINGS_SHARED = "tandem.learnings_shared"

ALL = (
    TANDEM_PROPOSED,
    TANDEM_ACCEPTED,
    TANDEM_STARTED,
    TANDEM_DECLINED,
    TANDEM_WITHDRAWN,
    TANDEM_CLOSED,
    TANDEM_MEETING_LOGGED,
    TANDEM_LEARNINGS_SHARED,
)
outbox.declare(*ALL)

_ENDED = {
    Tandem.State.DECLINED: TANDEM_DECLINED,
    Tandem.State.WITHDRAWN: TANDEM_WITHDRAWN,
    Tandem.State.CLOSED: TANDEM_CLOSED,
}


def _record(name: str, tandem: Tandem, actor: User | None) -> None:
    outbox.record(name, tandem_id=tandem.pk, actor_id=actor.pk if actor is not None else None)


def tandem_proposed(tandem: Tandem, *, actor: User | None) -> None:
    _record(TANDEM_PROPOSED, tandem, actor)


def tandem_accepted(tandem: Tandem, *, actor: User | None) -> None:
    _record(TANDEM_ACCEPTED, tandem, actor)


def tandem_started(tandem: Tandem, *, actor: User | None) -> None:
    _record(TANDEM_STARTED, tandem, actor)


def tandem_ended(tandem: Tandem, *, state: str, actor: User | None) -> None:
    """``tandem.declined``, ``tandem.withdrawn`` or ``tandem.closed``, after ``state``."""
    _record(_ENDED[Tandem.State(state)], tandem, actor)


def tandem_meeting_logged(tandem: Tandem, *, actor: User | None) -> None:
    _record(TANDEM_MEETING_LOGGED, tandem, actor)


def tandem_learnings_shared(tandem: Tandem, *, actor: User | None) -> None:
    _record(TANDEM_LEARNINGS_SHARED, tandem, actor)
