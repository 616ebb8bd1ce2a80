"""Domain events of exams, recorded in the outbox with the change.

Subscribers: :mod:`training.exams.notify`.
"""

from __future__ import annotations

from intranet.core import outbox

from .models import Attempt

ATTEMPT_GRADED = "exam_attempt.graded"

outbox.declare(ATTEMPT_GRADED)


def attempt_graded(attempt: Attempt) -> None:
    """A trainer graded the last free-text answer: the attempt has its result."""
    outbox.record(ATTEMPT_GRADED, attempt_id=attempt.pk, user_id=attempt.user_id, state=attempt.state)
