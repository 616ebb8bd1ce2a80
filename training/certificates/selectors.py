"""Reads of certificates: the qualification source communities reads through its registry
(:func:`certificates_for_users`), the verification page and the queryset of valid certificates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from intranet.core.viewer import Viewer
from training.programmes.models import Step, StepProgress
from training.sessions.models import SessionBooking

from .models import Certificate, is_certificate_code, normalise_certificate_code
from .permissions import visible_certificates


def valid_certificates() -> QuerySet[Certificate]:
    now = timezone.now()
    return Certificate.objects.filter(revoked_at__isnull=True, superseded_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def certificates_for_users(user_ids: Iterable[int]) -> dict[int, list[Certificate]]:
    """Valid certificates (not revoked, not expired) per user, programme selected; one query.

    Users without one are missing from the map.
    """
    ids = list(set(user_ids))
    result: dict[int, list[Certificate]] = defaultdict(list)
    if not ids:
        return {}
    for cert in (
        valid_certificates().filter(user_id__in=ids).select_related("programme").order_by("user_id", "issued_at", "id")
    ):
        result[cert.user_id].append(cert)
    return dict(result)


def valid_certificate_exists(user_id: int, programme_id: int) -> bool:
    """Whether the person holds a valid certificate for the programme (one query)."""
    return valid_certificates().filter(user_id=user_id, programme_id=programme_id).exists()


def certificate_find_by_code(viewer: Viewer, code: str) -> Certificate | None:
    """The certificate with ``code`` (normalised as typed) for the verification page, or ``None``.

    One query, holder and programme selected.
    """
    code = normalise_certificate_code(code)
    if not is_certificate_code(code):
        return None
    return (
        visible_certificates(viewer, Certificate.objects.select_related("user", "programme", "revoked_by"))
        .filter(code=code)
        .first()
    )


def certificate_get_by_code(viewer: Viewer, code: str) -> Certificate:
    """:func:`certificate_find_by_code`, or ``Http404`` (printing and revoking)."""
    cert = certificate_find_by_code(viewer, code)
    if cert is None:
        raise Http404
    return cert


@dataclass(frozen=True)
class CompletedStep:
    """One step the holder really completed before the certificate was issued."""

    kind: str
    title: str
    completed_at: dt.datetime | None
    #: For a live session: the start of the session the holder attended (marked present).
    attended_at: dt.datetime | None = None


def certificate_completed_steps(cert: Certificate) -> list[CompletedStep]:
    """What the holder actually did for ``cert``, in the programme's order (two queries).

    The printed certificate says this instead of claiming every kind of step: a programme whose
    live session or exam was optional (or that has none) must not read "including its live sessions
    and exams". A session step is done only when a trainer marked the holder present, an exam step
    only when an attempt passed; steps done after the certificate was issued are not part of it.
    """
    progress = list(
        StepProgress.objects.filter(
            enrolment__user_id=cert.user_id,
            enrolment__programme_id=cert.programme_id,
            state=StepProgress.State.DONE,
        )
        .filter(Q(completed_at__isnull=True) | Q(completed_at__lte=cert.issued_at))
        .select_related("step")
        .order_by("step__position", "step_id")
    )
    session_steps = [p.step_id for p in progress if p.step.kind == Step.Kind.SESSION]
    attended: dict[int, dt.datetime] = {}
    if session_steps:
        for step_id, starts_at in (
            SessionBooking.objects.filter(
                user_id=cert.user_id,
                attendance=SessionBooking.Attendance.PRESENT,
                session__step_id__in=session_steps,
                session__starts_at__lte=cert.issued_at,
            )
            .order_by("session__starts_at")
            .values_list("session__step_id", "session__starts_at")
        ):
            attended.setdefault(step_id, starts_at)
    return [
        CompletedStep(
            kind=p.step.kind,
            title=p.step.title,
            completed_at=p.completed_at,
            attended_at=attended.get(p.step_id),
        )
        for p in progress
    ]
