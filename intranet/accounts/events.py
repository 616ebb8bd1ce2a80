"""The events accounts record in the outbox; subscribers live in ``notify.py``."""

from __future__ import annotations

from intranet.core import outbox

INVITATION_CREATED = "invitation.created"
INVITATION_RESENT = "invitation.resent"

outbox.declare(INVITATION_CREATED, INVITATION_RESENT)


def invitation_created(*, invitation_id: int) -> None:
    outbox.record(INVITATION_CREATED, invitation_id=invitation_id)


def invitation_resent(*, invitation_id: int) -> None:
    outbox.record(INVITATION_RESENT, invitation_id=invitation_id)
