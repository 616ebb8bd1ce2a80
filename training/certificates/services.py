"""Certificates: automatic issue, revocation and expiry reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone

from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import Viewer
from training.programmes.models import Enrolment, Step, StepProgress

from . import events
from . import permissions as perms
from .models import Certificate, new_certificate_code

EXPIRY_REMINDER_DAYS = 30


def requirements_met(enrolment: Enrolment) -> bool:
    """Every required step of the programme is done (at least one required step must exist)."""
    required = set(Step.objects.filter(programme_id=enrolment.programme_id, required=True).values_list("pk", flat=True))
    if not required:
        return False
    done = set(
        StepProgress.objects.filter(
            enrolment=enrolment, state=StepProgress.State.DONE, step_id__in=required
        ).values_list("step_id", flat=True)
    )
    return required <= done


def certificate_issue_if_complete(*, enrolment: Enrolment) -> Certificate | None:
    """Issue the programme's certificate when its requirements are met and the learner holds no
    current valid one; returns the new certificate or ``None``.

    Runs inside the caller's transaction with the enrolment row locked. An expired current
    certificate is superseded by the new one (recertification). Writes one audit row
    (``training.certificate_issue``, actor: the system) and records ``certificate.issued`` (the
    holder is notified after commit).
    """
    if not requirements_met(enrolment):
        return None
    now = timezone.now()
    current = (
        Certificate.objects.select_for_update()
        .filter(
            user_id=enrolment.user_id,
            programme_id=enrolment.programme_id,
            revoked_at__isnull=True,
            superseded_at__isnull=True,
        )
        .first()
    )
    if current is not None and current.status_at(now) == Certificate.Status.VALID:
        return None
    with transaction.atomic():
        if current is not None:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        programme = enrolment.programme
        expires_at = now + relativedelta(months=programme.validity_months) if programme.validity_months else None
        certificate = _create_with_unique_code(
            user_id=enrolment.user_id, programme_id=programme.pk, issued_at=now, expires_at=expires_at
        )
        if enrolment.completed_at is None:
            enrolment.completed_at = now
            enrolment.save(update_fields=["completed_at"])
        audit_log(
            actor=None,
            action="training.certificate_issue",
            target=certificate,
            after={"user": enrolment.user_id, "programme": programme.pk, "code": certificate.code},
        )
        events.certificate_issued(certificate)
    return certificate


def _create_with_unique_code(**fields: object) -> Certificate:
    # 60 random bits make a clash practically impossible; retry anyway instead of failing a learner.
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=new_certificate_code(), **fields)  # type: ignore[arg-type]
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def certificate_revoke(*, actor: Viewer, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate (training coordinators); audited with the reason, the holder is told."""
    require(perms.can_revoke_certificate(actor, certificate))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        require(locked.revoked_at is None)
        locked.revoked_at, locked.revoked_by_id, locked.revoke_reason = (
            timezone.now(),
            actor.user_id,
            reason.strip()[:300],
        )
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_log(actor=actor.user, action="training.certificate_revoke", target=locked, reason=locked.revoke_reason)
        events.certificate_revoked(locked)
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = (
        locked.revoked_at,
        locked.revoked_by_id,
        locked.revoke_reason,
    )
    return certificate


def certificate_expiry_reminders_send(*, now: datetime | None = None) -> int:
    """Remind holders whose current certificate expires within 30 days; idempotent.

    Each certificate is stamped ``expiry_reminded_at`` in the same statement that selects it, so two
    runs (or two workers) never remind twice. Returns the number of reminders queued.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Certificate.objects.select_for_update(skip_locked=True)
            .filter(
                revoked_at__isnull=True,
                superseded_at__isnull=True,
                expiry_reminded_at__isnull=True,
                expires_at__gt=moment,
                expires_at__lte=moment + timedelta(days=EXPIRY_REMINDER_DAYS),
            )
            .values_list("pk", flat=True)
        )
        if ids:
            Certificate.objects.filter(pk__in=ids).update(expiry_reminded_at=moment)
            events.certificates_expiry_reminded(ids)
    return len(ids)
