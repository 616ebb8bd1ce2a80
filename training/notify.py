"""Training notifications: the kinds, after-commit hooks and the functions the tasks run.

Services call the ``on_*`` hooks inside their transaction; each only queues a Celery task on
commit. The ``notify_*`` functions re-read the committed state and call
:func:`intranet.notifications.services.notify` with an event key per event and person, so a task
that runs twice notifies nobody twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.notifications.kinds import register_kind
from intranet.notifications.models import Delivery
from intranet.notifications.services import notify

PROMOTED = "training.waitlist_promoted"
CANCELLED = "training.session_cancelled"
REMINDER = "training.session_reminder"
ISSUED = "training.certificate_issued"
REVOKED = "training.certificate_revoked"
EXPIRING = "training.certificate_expiring"
OFFER = "training.programme_offer"


def register() -> None:
    """Register the kinds (called from ``TrainingConfig.ready``)."""
    register_kind(
        PROMOTED,
        gettext_lazy("A seat from the waitlist of a training session"),
        Delivery.IMMEDIATE,
        lambda p, c: _("A seat became free: you are now booked for “%(session)s” on %(when)s") % p,
    )
    register_kind(
        CANCELLED,
        gettext_lazy("Cancelled training sessions"),
        Delivery.IMMEDIATE,
        lambda p, c: _("The training session “%(session)s” on %(when)s was cancelled") % p,
    )
    register_kind(
        REMINDER,
        gettext_lazy("Reminders of my training sessions"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Reminder: the training session “%(session)s” starts on %(when)s") % p,
    )
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
    register_kind(
        OFFER,
        gettext_lazy("Training offers for community managers"),
        Delivery.IMMEDIATE,
        lambda p, c: _("Welcome as a community manager: we invite you to the programme “%(programme)s”") % p,
    )


# Hooks (inside the service's transaction; queue on commit) ----------------------------------------


def _on_commit(task: Any, *args: Any) -> None:
    transaction.on_commit(partial(task.delay, *args))


def on_waitlist_promoted(booking_id: int) -> None:
    from .tasks import waitlist_promoted_notify_task

    _on_commit(waitlist_promoted_notify_task, booking_id)


def on_session_cancelled(session_id: int, actor_id: int | None) -> None:
    from .tasks import session_cancelled_notify_task

    _on_commit(session_cancelled_notify_task, session_id, actor_id)


def on_session_reminder(booking_id: int) -> None:
    from .tasks import session_reminder_notify_task

    _on_commit(session_reminder_notify_task, booking_id)


def on_certificate_issued(certificate_id: int) -> None:
    from .tasks import certificate_notify_task

    _on_commit(certificate_notify_task, certificate_id, ISSUED)


def on_certificate_revoked(certificate_id: int) -> None:
    from .tasks import certificate_notify_task

    _on_commit(certificate_notify_task, certificate_id, REVOKED)


def on_certificate_expiring(certificate_id: int) -> None:
    from .tasks import certificate_notify_task

    _on_commit(certificate_notify_task, certificate_id, EXPIRING)


# Senders (run by the tasks) ---------------------------------------------------------------------


def _when(session: Any) -> str:
    local = session.local_starts_at
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({session.time_zone})"


def _session_params(session: Any) -> Mapping[str, Any]:
    return {"session": session.title, "when": _when(session), "programme": session.programme.title}


def notify_waitlist_promoted(booking_id: int) -> None:
    from .models import SessionBooking

    booking = SessionBooking.objects.select_related("session__programme").filter(pk=booking_id).first()
    if booking is None or booking.status != SessionBooking.Status.BOOKED or booking.session.is_cancelled:
        return
    session = booking.session
    notify(
        recipient_ids=[booking.user_id],
        kind=PROMOTED,
        event_key=f"training.promoted:{booking.pk}:{int(booking.booked_at.timestamp())}",
        url=reverse("training:session_detail", args=[session.pk]),
        params=_session_params(session),
    )


def notify_session_cancelled(session_id: int, actor_id: int | None) -> None:
    from .models import Session, SessionBooking

    session = Session.objects.select_related("programme").filter(pk=session_id).first()
    if session is None or not session.is_cancelled:
        return
    ids = list(
        SessionBooking.objects.filter(
            session=session, status__in=[SessionBooking.Status.BOOKED, SessionBooking.Status.WAITLISTED]
        ).values_list("user_id", flat=True)
    )
    notify(
        recipient_ids=ids,
        kind=CANCELLED,
        event_key=f"training.cancelled:{session.pk}",
        actor=actor_id,
        url=reverse("training:session_detail", args=[session.pk]),
        params=_session_params(session),
    )


def notify_session_reminder(booking_id: int) -> None:
    from .models import SessionBooking

    booking = SessionBooking.objects.select_related("session__programme").filter(pk=booking_id).first()
    if booking is None or booking.status != SessionBooking.Status.BOOKED or booking.session.is_cancelled:
        return
    session = booking.session
    notify(
        recipient_ids=[booking.user_id],
        kind=REMINDER,
        event_key=f"training.reminder:{booking.pk}:{int(session.starts_at.timestamp())}",
        url=reverse("training:session_detail", args=[session.pk]),
        params=_session_params(session),
    )


def notify_certificate(certificate_id: int, kind: str) -> None:
    from .models import Certificate

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


def notify_programme_offer(*, user_id: int, programme_id: int, community_id: int) -> None:
    from .models import Programme

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return
    notify(
        recipient_ids=[user_id],
        kind=OFFER,
        event_key=f"training.offer:{programme.pk}",
        url=reverse("training:programme_detail", args=[programme.pk]),
        params={"programme": programme.title, "community": community_id},
    )
