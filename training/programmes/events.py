"""Domain events of programmes, recorded in the outbox with the change.

Subscribers: :mod:`training.certificates.receivers` (issues the certificate in the same
transaction once every required step is done).
"""

from __future__ import annotations

from intranet.core import outbox

from .models import Enrolment, Step

STEP_COMPLETED = "programme_step.completed"

outbox.declare(STEP_COMPLETED)


def step_completed(enrolment: Enrolment, step: Step) -> None:
    """A learner completed ``step`` (recorded once per completion, inside the locking transaction)."""
    outbox.record(
        STEP_COMPLETED,
        enrolment_id=enrolment.pk,
        step_id=step.pk,
        user_id=enrolment.user_id,
        programme_id=enrolment.programme_id,
    )
