"""Notifications of exams: the result of an attempt a trainer graded.

The subscriber runs queued after the grading committed, re-reads the attempt and uses one event key
per attempt, so a delivery that runs twice notifies nobody twice.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from . import events
from .models import Attempt

EXAM_GRADED = "training.exam_graded"


def register() -> None:
    """Register the kind (called from ``TrainingConfig.ready``)."""
    register_kind(
        EXAM_GRADED,
        gettext_lazy("Results of my exams graded by a trainer"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Your exam “%(exam)s” was graded: %(result)s") % p,
    )


def notify_exam_graded(attempt_id: int) -> None:
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id).first()
    if attempt is None or not attempt.is_finished:
        return
    result = _("passed") if attempt.state == Attempt.State.PASSED else _("not passed")
    notify(
        recipient_ids=[attempt.user_id],
        kind=EXAM_GRADED,
        event_key=f"training.exam_graded:{attempt.pk}",
        url=reverse("training:attempt_review", args=[attempt.pk]),
        params={"exam": attempt.exam.title, "result": str(result)},
    )


@subscriber(events.ATTEMPT_GRADED, name="training.exams.notify_graded")
def on_attempt_graded(event: Event) -> None:
    notify_exam_graded(event["attempt_id"])
