"""The events the privacy app records in the outbox; subscribers live in ``tasks.py`` (the job that
builds the ZIP) and ``notify.py`` (the notification with the link)."""

from __future__ import annotations

from intranet.core import outbox

EXPORT_REQUESTED = "export.requested"
EXPORT_READY = "export.ready"

outbox.declare(EXPORT_REQUESTED, EXPORT_READY)


def export_requested(*, export_id: int) -> None:
    outbox.record(EXPORT_REQUESTED, export_id=export_id)


def export_ready(*, export_id: int) -> None:
    outbox.record(EXPORT_READY, export_id=export_id)
