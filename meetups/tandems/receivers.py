"""Outbox subscribers of tandems: a coordinator's "recompute now" also refreshes the suggestions."""

from __future__ import annotations

from communities.api import HEALTH_RECOMPUTE_REQUESTED
from intranet.core.outbox import QUEUED, Event, subscriber

from .services import tandem_suggestions_refresh


@subscriber(HEALTH_RECOMPUTE_REQUESTED, name="meetups.tandems.refresh_suggestions", when=QUEUED, atomic=False)
def refresh_suggestions(event: Event) -> None:
    """Recompute every stored tandem suggestion, as the nightly job does (safe to run twice)."""
    tandem_suggestions_refresh(None)
