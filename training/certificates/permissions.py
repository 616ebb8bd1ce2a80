"""Access rules of certificates (query-free predicates and their queryset twin)."""

from __future__ import annotations

from django.db.models import QuerySet

from intranet.core.viewer import Viewer
from training.roles import can_view_training_reports, is_training_coordinator

from .models import Certificate


def can_view_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    """Verification is open to every signed-in employee (the point of a verification code)."""
    return viewer.is_authenticated


def visible_certificates(viewer: Viewer, qs: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return qs if viewer.is_authenticated else qs.none()


def can_print_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    return viewer.is_authenticated and (certificate.user_id == viewer.user_id or can_view_training_reports(viewer))


def can_revoke_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    return is_training_coordinator(viewer) and certificate.revoked_at is None
