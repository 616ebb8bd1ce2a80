"""The domain events of community health, recorded in the outbox.

=================================  ===========================================================
event                              payload
=================================  ===========================================================
``health.recompute_requested``     actor_id: a coordinator asked for the nightly jobs to run now
=================================  ===========================================================

Subscribers: ``communities.health.recompute`` (the figures and the score, queued) and
``meetups.tandems.refresh_suggestions`` (the tandem suggestions, queued).
"""

from __future__ import annotations

from intranet.core import outbox

RECOMPUTE_REQUESTED = "health.recompute_requested"

outbox.declare(RECOMPUTE_REQUESTED)


def recompute_requested(actor_id: int | None) -> None:
    outbox.record(RECOMPUTE_REQUESTED, actor_id=actor_id)
