"""Reads of certificates: the qualification source communities reads through its registry
(:func:`certificates_for_users`), the verification page and the queryset of valid certificates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from intranet.core.viewer import Viewer

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
