"""The Celery job that builds a data export: the queued subscriber of ``export.requested``."""

from __future__ import annotations

from intranet.core.outbox import Event, subscriber

from . import services
from .events import EXPORT_REQUESTED


# ``atomic=False``: building a ZIP of a long history must not hold one transaction open; the service
# claims the row under a lock, so a second delivery finds it no longer pending and does nothing.
@subscriber(EXPORT_REQUESTED, name="privacy.export_build", atomic=False)
def export_build_task(event: Event) -> None:
    services.export_build(export_id=int(event["export_id"]))
