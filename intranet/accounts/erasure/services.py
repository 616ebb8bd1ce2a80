"""The erasure request workflow: one member of staff asks with a reason, a second one decides, a
Celery worker erases. Every step writes an audit row."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.core import outbox
from intranet.core.audit import audit_log
from intranet.core.permissions import require
from intranet.core.viewer import viewer_for

from ..models import ErasureRequest, User
from .eraser import person_erase
from .permissions import can_decide_erasure, can_request_erasure
from .placeholder import is_former_employee

logger = logging.getLogger(__name__)

REASON_MAX = 2000
ERASURE_APPROVED = "erasure.approved"

outbox.declare(ERASURE_APPROVED)


def _clean(text: str) -> str:
    return (text or "").replace("\x00", "").replace("\r\n", "\n").strip()[:REASON_MAX]


def erasure_request_open(*, actor: User, subject: User, reason: str) -> ErasureRequest:
    """Open a request to erase ``subject`` (staff, not for themselves); one audit row.

    ``ValidationError`` without a reason, for the placeholder account, or when an open request for
    the person exists already.
    """
    require(can_request_erasure(viewer_for(actor), subject))
    reason = _clean(reason)
    if not reason:
        raise ValidationError({"reason": _("Please say why this person is to be erased.")}, code="required")
    if is_former_employee(subject):
        raise ValidationError({"subject": _("This account cannot be erased.")}, code="placeholder")
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                subject=subject, subject_ref=subject.pk, reason=reason, requested_by=actor
            )
            audit_log(actor=actor, action="erasure.requested", target=request, reason=reason)
    except IntegrityError:
        raise ValidationError(
            {"subject": _("An erasure of this person is already waiting for approval.")}, code="duplicate"
        ) from None
    return request


def erasure_request_approve(*, actor: User, request: ErasureRequest, note: str = "") -> ErasureRequest:
    """Approve a pending request (a second member of staff); the erasure runs in a worker after
    commit (outbox event ``erasure.approved``). One audit row."""
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        require(can_decide_erasure(viewer_for(actor), locked))
        locked.state = ErasureRequest.State.APPROVED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = _clean(note)
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_log(actor=actor, action="erasure.approved", target=locked, reason=locked.decision_note)
        outbox.record(ERASURE_APPROVED, request_id=locked.pk)
    return locked


def erasure_request_reject(*, actor: User, request: ErasureRequest, note: str) -> ErasureRequest:
    """Reject a pending request (a second member of staff, with a note). One audit row."""
    note = _clean(note)
    if not note:
        raise ValidationError({"note": _("Please say why the request is rejected.")}, code="required")
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        require(can_decide_erasure(viewer_for(actor), locked))
        locked.state = ErasureRequest.State.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit_log(actor=actor, action="erasure.rejected", target=locked, reason=note)
    return locked


def erasure_request_execute(*, request_id: int) -> ErasureRequest | None:
    """Erase the person of an approved request (called by the worker; safe to run twice).

    The erasure and the request's new state commit together with an audit row by the system. If the
    eraser fails, nothing of it stays, the request is marked failed (audited) and the error raised.
    """
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.state != ErasureRequest.State.APPROVED:
            return request
        try:
            with transaction.atomic():
                counts: dict[str, Any] = {}
                if request.subject_id is not None:
                    counts = person_erase(user_id=request.subject_id)
                request.state = ErasureRequest.State.DONE
                request.completed_at = timezone.now()
                request.summary = counts
                request.subject = None
                request.save(update_fields=["state", "completed_at", "summary", "subject"])
                audit_log(actor=None, action="erasure.completed", target=request, after={"counts": counts})
        except Exception as exc:
            request.refresh_from_db()
            request.state = ErasureRequest.State.FAILED
            request.save(update_fields=["state"])
            audit_log(actor=None, action="erasure.failed", target=request, reason=type(exc).__name__)
            logger.exception("Erasure request %s failed", request_id)
            return request
    return request


@outbox.subscriber(ERASURE_APPROVED, name="accounts.erasure.execute", atomic=False)
def _on_erasure_approved(event: outbox.Event) -> None:
    erasure_request_execute(request_id=int(event["request_id"]))
