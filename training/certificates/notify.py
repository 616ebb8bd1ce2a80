"""Notifications of certificates: issued, revoked, about to expire.

The subscribers run queued (in a worker) after the event's transaction committed; each re-reads the
certificate and notifies with one event key per certificate and kind, so a delivery that runs twice
notifies nobody twice.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.outbox import Event, subscriber
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

from . import events
from .models import Certificate

ISSUED = "training.certificate_issued"
REVOKED = "training.certificate_revoked"
EXPIRING = "training.certificate_expiring"


def register() -> None:
    """Register the kinds (called from ``TrainingConfig.ready``)."""
    register_kind(
        ISSUED,
        gettext_lazy("My new certificates"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Congratulations: you earned the certificate “%(programme)s”") % p,
    )
    register_kind(
        REVOKED,
        gettext_lazy("Revoked certificates"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Your certificate “%(programme)s” was revoked") % p,
    )
    register_kind(
        EXPIRING,
        gettext_lazy("Certificates about to expire"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Your certificate “%(programme)s” expires on %(date)s: please recertify") % p,
    )


def notify_certificate(certificate_id: int, kind: str) -> None:
    cert = Certificate.objects.select_related("programme").filter(pk=certificate_id).first()
    if cert is None:
        return
    if kind == ISSUED and cert.revoked_at is not None:
        return
    params: dict[str, Any] = {"programme": cert.programme.title, "code": cert.code}
    if kind == EXPIRING:
        if cert.expires_at is None or cert.revoked_at is not None:
            return
        params["date"] = formats.date_format(cert.expires_at, "SHORT_DATE_FORMAT")
    notify(
        recipient_ids=[cert.user_id],
        kind=kind,
        event_key=f"{kind}:{cert.pk}",
        url=reverse("training:certificate_verify", args=[cert.code]),
        params=params,
    )


# Subscribers ------------------------------------------------------------------------------------


@subscriber(events.CERTIFICATE_ISSUED, name="training.certificates.notify_issued")
def on_certificate_issued(event: Event) -> None:
    notify_certificate(event["certificate_id"], ISSUED)


@subscriber(events.CERTIFICATE_REVOKED, name="training.certificates.notify_revoked")
def on_certificate_revoked(event: Event) -> None:
    notify_certificate(event["certificate_id"], REVOKED)


@subscriber(events.CERTIFICATE_EXPIRY_REMINDED, name="training.certificates.notify_expiring")
def on_certificate_expiry_reminded(event: Event) -> None:
    notify_certificate(event["certificate_id"], EXPIRING)
