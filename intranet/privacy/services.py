"""Writes of the privacy app: asking for a data export, building it, handing it out, expiring it."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

from . import events
from .exporter import build_archive
from .links import export_token, token_hash
from .models import ExportRequest
from .permissions import can_request_export, can_view_export

logger = logging.getLogger(__name__)
State = ExportRequest.State
RATE_WINDOW = dt.timedelta(days=1)
EXPIRE_BATCH = 200


class ExportRateLimited(Exception):
    """Too many exports asked for in the last day; ``retry_after`` seconds until the next one."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class ExportLinkExpired(Exception):
    """The link was right but its time is over (the view answers 410 Gone)."""


def export_request(*, actor: Viewer | Any, person: Any) -> ExportRequest:
    """Ask for an export of everything the register holds about ``person``.

    ``actor`` is the person themselves or staff (who may ask for anyone). At most
    ``PRIVACY_EXPORT_PER_DAY`` exports per asker and person in 24 hours (failed ones do not count):
    else :class:`ExportRateLimited`. Writes the audit row ``privacy.export_requested``; the ZIP is
    built by a Celery job after commit (outbox event ``export.requested``).
    """
    viewer = as_viewer(actor)
    require(can_request_export(viewer, person.pk))
    asker_id = viewer.user_id or 0  # authenticated: the permission check above passed
    with transaction.atomic():
        # One asker at a time: two tabs cannot both slip under the daily limit.
        get_user_model()._default_manager.select_for_update().filter(pk=asker_id).first()
        now = timezone.now()
        recent = list(
            ExportRequest.objects.filter(
                requested_by_id=asker_id, person_id=person.pk, created_at__gt=now - RATE_WINDOW
            )
            .exclude(state=State.FAILED)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(recent) >= settings.PRIVACY_EXPORT_PER_DAY:
            wait = recent[0] + RATE_WINDOW - now
            raise ExportRateLimited(max(1, int(wait.total_seconds())))
        export = ExportRequest.objects.create(person_id=person.pk, requested_by_id=asker_id, created_at=now)
        audit_log(
            actor=viewer.user,
            action="privacy.export_requested",
            target=person,
            after={"export": export.pk, "for_self": person.pk == viewer.user_id},
        )
        events.export_requested(export_id=export.pk)
    return export


def export_build(*, export_id: int) -> ExportRequest | None:
    """Build the ZIP of a pending export (the Celery job of ``export.requested``).

    Safe to run twice: only a ``pending`` export is built (the row is claimed under a lock). On
    success the export becomes ``ready`` with a link valid for ``PRIVACY_EXPORT_LINK_HOURS`` and the
    outbox event ``export.ready`` notifies the asker; on failure it becomes ``failed`` and the error
    is raised again for the worker's log.
    """
    with transaction.atomic():
        export = ExportRequest.objects.select_for_update().select_related("person").filter(pk=export_id).first()
        if export is None or export.state != State.PENDING:
            return export
        export.state = State.RUNNING
        export.save(update_fields=["state"])
    try:
        with tempfile.TemporaryFile() as spool:
            result = build_archive(export.person, spool)
            spool.seek(0)
            export.file.save(f"{uuid.uuid4().hex}.zip", File(spool), save=False)
    except Exception as exc:
        ExportRequest.objects.filter(pk=export.pk).update(
            state=State.FAILED, error=type(exc).__name__[:255], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        now = timezone.now()
        export.state = State.READY
        export.finished_at = now
        export.expires_at = now + dt.timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS)
        export.token_hash = token_hash(export_token(export))
        export.counts = result.counts
        export.file_size = export.file.size
        export.save(update_fields=["state", "finished_at", "expires_at", "token_hash", "counts", "file_size", "file"])
        events.export_ready(export_id=export.pk)
    return export


def export_download(*, actor: Viewer | Any, export: ExportRequest, token: str) -> ExportRequest:
    """Hand out the file of ``export`` to the one who asked for it, with the link's ``token``.

    The selector already answered 404 for anyone else or a wrong token; here the time is checked
    (:class:`ExportLinkExpired`) and the download is audited (``privacy.export_downloaded``).
    """
    viewer = as_viewer(actor)
    require(can_view_export(viewer, export))
    if not export.is_downloadable or not constant_time_compare(token_hash(token), export.token_hash):
        raise ExportLinkExpired
    with transaction.atomic():
        audit_log(
            actor=viewer.user, action="privacy.export_downloaded", target=export.person, after={"export": export.pk}
        )
    return export


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports whose link expired and mark them ``expired`` (beat, hourly)."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                ExportRequest.objects.select_for_update(skip_locked=True)
                .filter(state=State.READY, expires_at__lte=now)
                .order_by("pk")[:EXPIRE_BATCH]
            )
            if not batch:
                return done
            for export in batch:
                if export.file:
                    export.file.delete(save=False)
                export.state = State.EXPIRED
                export.token_hash = ""
                export.file = ""  # type: ignore[assignment]
                export.save(update_fields=["state", "token_hash", "file"])
            done += len(batch)
