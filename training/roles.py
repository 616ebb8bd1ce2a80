"""Who is who in training: the roles every training feature's predicates build on.

* **training coordinators** are coordinators of *everything* (staff, holders of
  ``communities.coordinate`` without a narrowing scope): they create and edit programmes, steps and
  sessions, cancel sessions, accept exercises, and revoke certificates.
* **scoped coordinators** (a coordinator scope in communities) look after some communities, not
  after the training catalogue: they see the reports (progress, cohorts, who is certified, what
  expires, who is stuck, CSV exports) read-only.
* **trainers** (``Session.trainers``) edit their own sessions, see their booking lists, mark
  attendance and accept exercises of the programmes they teach.
* every signed-in employee sees published programmes and their sessions, enrols, books, and may
  verify any certificate code.

Trainer maps are loaded once per viewer (one query) through :meth:`Viewer.remember`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from communities.api import coordinates_everything, is_coordinator
from intranet.core.viewer import Viewer

TRAINER_KEY = "training.trainer"


@dataclass(frozen=True)
class TrainerMap:
    session_ids: frozenset[int]
    programme_ids: frozenset[int]


def trainer_map(viewer: Viewer) -> TrainerMap:
    """Sessions the viewer trains and their programmes (one query per viewer, cached).

    Read through the user's side of ``Session.trainers`` (``training_sessions_given``), so the
    roles sit below every feature, sessions included.
    """
    if not viewer.is_authenticated:
        return TrainerMap(frozenset(), frozenset())

    def load() -> TrainerMap:
        rows = list(
            get_user_model()
            .objects.filter(pk=viewer.user_id or 0, training_sessions_given__isnull=False)
            .values_list("training_sessions_given__id", "training_sessions_given__programme_id")
        )
        return TrainerMap(frozenset(r[0] for r in rows), frozenset(r[1] for r in rows))

    return viewer.remember(TRAINER_KEY, load)


def forget_trainer_map(viewer: Viewer) -> None:
    viewer.forget(TRAINER_KEY)


def is_training_coordinator(viewer: Viewer) -> bool:
    """Runs the training catalogue: coordinators of everything (staff included)."""
    return coordinates_everything(viewer)


def is_trainer(viewer: Viewer) -> bool:
    return bool(trainer_map(viewer).session_ids)


def can_view_training_reports(viewer: Viewer) -> bool:
    """Progress per learner and cohort, certified people, expiries, stuck learners, CSV exports."""
    return is_coordinator(viewer)


def can_open_manage_area(viewer: Viewer) -> bool:
    return can_view_training_reports(viewer) or is_trainer(viewer)
