"""The notification "your data export is ready", with its download link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from .events import EXPORT_READY
from .links import export_download_url
from .models import ExportRequest

EXPORT_READY_KIND = "privacy.export_ready"


def _message(params: Mapping[str, Any], count: int) -> str:
    if params.get("person"):
        return _("The data export of %(person)s is ready. The link works for %(hours)s hours.") % {
            "person": params["person"],
            "hours": params["hours"],
        }
    return _("Your data export is ready to download. The link works for %(hours)s hours.") % {"hours": params["hours"]}


register_kind(EXPORT_READY_KIND, gettext_lazy("Data export ready"), Delivery.IMMEDIATE, _message)


@subscriber(EXPORT_READY, name="privacy.export_ready.notify")
def export_ready_notify(event: Event) -> None:
    export = ExportRequest.objects.select_related("person").filter(pk=event["export_id"]).first()
    if export is None or export.requested_by_id is None or not export.is_downloadable:
        return
    assert export.expires_at is not None and export.finished_at is not None
    hours = round((export.expires_at - export.finished_at).total_seconds() / 3600)
    notify(
        recipient_ids=[export.requested_by_id],
        kind=EXPORT_READY_KIND,
        event_key=f"privacy.export:{export.pk}",
        url=export_download_url(export),
        params={
            "hours": hours,
            "person": export.person.display_name if export.person_id != export.requested_by_id else "",
        },
    )
