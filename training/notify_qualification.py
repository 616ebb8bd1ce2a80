"""Notifications of exams and levels: a graded exam result, a changed career level.

Services call the ``on_*`` hooks inside their transaction; each queues a Celery task on commit.
The ``notify_*`` senders re-read the committed rows and use one event key per event, so a task
that runs twice notifies nobody twice.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.notifications.kinds import register_kind
from intranet.notifications.models import Delivery
from intranet.notifications.services import notify

EXAM_GRADED = "training.exam_graded"
LEVEL_CHANGED = "training.level_changed"


def register() -> None:
    """Register the kinds (called from ``TrainingConfig.ready``)."""
    register_kind(
        EXAM_GRADED,
        gettext_lazy("Results of my exams graded by a trainer"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Your exam “%(exam)s” was graded: %(result)s") % p,
    )
    register_kind(
        LEVEL_CHANGED,
        gettext_lazy("Changes of my career level"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Your career level is now: %(level)s") % p,
    )


def on_exam_graded(attempt_id: int) -> None:
    from .tasks import exam_graded_notify_task

    transaction.on_commit(lambda: exam_graded_notify_task.delay(attempt_id))


def on_level_changed(change_id: int) -> None:
    from .tasks import level_changed_notify_task

    transaction.on_commit(lambda: level_changed_notify_task.delay(change_id))


def notify_exam_graded(attempt_id: int) -> None:
    from .models import Attempt

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


def notify_level_changed(change_id: int) -> None:
    from .models import LevelChange

    change = LevelChange.objects.select_related("to_level").filter(pk=change_id).first()
    if change is None:
        return
    level = change.to_level.name if change.to_level else str(_("no level"))
    notify(
        recipient_ids=[change.user_id],
        kind=LEVEL_CHANGED,
        event_key=f"training.level_changed:{change.pk}",
        actor=change.actor_id,
        url=reverse("training:level_list"),
        params={"level": level},
    )
