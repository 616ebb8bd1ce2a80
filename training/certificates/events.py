"""Domain events of certificates, recorded in the outbox with the change.

Subscribers: :mod:`training.certificates.notify`.
"""

from __future__ import annotations

from intranet.core import outbox

from .models import Certificate

CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_REVOKED = "certificate.revoked"
CERTIFICATE_EXPIRY_REMINDED = "certificate.expiry_reminded"

outbox.declare(CERTIFICATE_ISSUED, CERTIFICATE_REVOKED, CERTIFICATE_EXPIRY_REMINDED)


def certificate_issued(certificate: Certificate) -> None:
    outbox.record(
        CERTIFICATE_ISSUED,
        certificate_id=certificate.pk,
        user_id=certificate.user_id,
        programme_id=certificate.programme_id,
    )


def certificate_revoked(certificate: Certificate) -> None:
    outbox.record(
        CERTIFICATE_REVOKED,
        certificate_id=certificate.pk,
        user_id=certificate.user_id,
        actor_id=certificate.revoked_by_id,
    )


def certificates_expiry_reminded(certificate_ids: list[int]) -> None:
    """The certificates were stamped for their expiry reminder (they expire within 30 days); one
    event each, recorded together."""
    outbox.record_many(CERTIFICATE_EXPIRY_REMINDED, [{"certificate_id": pk} for pk in certificate_ids])
