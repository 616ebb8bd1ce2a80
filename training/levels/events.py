"""Domain events of career levels, recorded in the outbox with the change.

Subscribers: :mod:`training.levels.notify`.
"""

from __future__ import annotations

from intranet.core import outbox

from .models import LevelChange

LEVEL_CHANGED = "user_level.changed"

outbox.declare(LEVEL_CHANGED)


def level_changed(change: LevelChange) -> None:
    outbox.record(
        LEVEL_CHANGED,
        change_id=change.pk,
        user_id=change.user_id,
        level_id=change.to_level_id,
        actor_id=change.actor_id,
    )
