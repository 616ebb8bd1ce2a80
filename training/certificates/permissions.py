"""Access rules of certificates (query-free predicates and their queryset twin)."""

from __future__ import annotations

from django.db.models import QuerySet

from intranet.core.viewer import Viewer
from training.roles import can_view_training_reports, is_training_coordinator

from .models import Certificate


def can_view_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    """Verification is open to whoever holds the code, with or without an account: that is what a
    verification code is for (a hiring manager, an auditor). The code is the secret (60 random
    bits); anonymous look-ups are rate limited per address (``views.VERIFY_LIMIT``)."""
    return True


def visible_certificates(viewer: Viewer, qs: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return qs


def can_view_certificate_details(viewer: Viewer, certificate: Certificate) -> bool:
    """Beyond what a verifier needs (holder, programme, dates, status): the reason of a revocation.
    Signed-in employees only."""
    return viewer.is_authenticated


def can_print_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    return viewer.is_authenticated and (certificate.user_id == viewer.user_id or can_view_training_reports(viewer))


def can_revoke_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    return is_training_coordinator(viewer) and certificate.revoked_at is None
