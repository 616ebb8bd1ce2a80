"""``Idempotency-Key`` on creating POSTs: the same key and body answer the first result again.

The form claims of :mod:`intranet.core.idempotency` remember which object a form created, but not
the request that created it, and they answer a replay by re-running the view. An API client needs
more: a retry with a *different* body must be refused, and the replay must be the first answer
byte for byte. So the API keeps its own claim (person, key, SHA-256 of method, path and body, and
the answer), written in the same transaction as the object. A racing retry waits on the unique
index until the first commits, then reads its answer; a failed request claims nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema, Status

from .models import IdempotentRequest
from .problems import ApiProblem

HEADER = "Idempotency-Key"
KEY_MAX = 255

_CLAIM_SQL = (
    "INSERT INTO api_idempotentrequest (user_id, key, fingerprint, status, body, created_at) "
    "VALUES (%s, %s, %s, 0, NULL, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id"
)


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _key(request: HttpRequest) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable() or not key.isascii():
        raise ApiProblem("invalid-idempotency-key", _("Send 1 to 255 printable ASCII characters, e.g. a UUID."))
    return key


def run_idempotent(request: HttpRequest, create: Callable[[], Schema], *, status: int = 201) -> Status[Any]:
    """Run ``create`` (which calls one creating service and returns the output schema) once per
    ``Idempotency-Key``; without the header it simply runs. Returns the answer (status and body)."""
    key = _key(request)
    if key is None:
        return Status(status, create().model_dump(mode="json"))
    user_id: int = request.user.pk  # type: ignore[assignment]  # authenticated by now
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, [user_id, key, fingerprint, timezone.now()])
            claimed = cursor.fetchone()
        if claimed is None:
            first = IdempotentRequest.objects.filter(user_id=user_id, key=key).first()
            if first is None or first.fingerprint != fingerprint:
                raise ApiProblem(
                    "idempotency-key-reused",
                    _("Use a new Idempotency-Key for a new request; this one was sent with another body."),
                )
            request.idempotent_replay = True  # type: ignore[attr-defined]
            return Status(first.status, first.body)
        body = create().model_dump(mode="json")
        IdempotentRequest.objects.filter(pk=claimed[0]).update(status=status, body=body)
        return Status(status, body)


#: How long an answer is remembered: past any client's retry window.
RETENTION = dt.timedelta(days=2)


def idempotent_requests_purge(*, older_than: dt.timedelta = RETENTION, batch: int = 5000) -> int:
    """Forget remembered answers older than ``older_than`` in batches; returns how many."""
    cutoff = timezone.now() - older_than
    deleted = 0
    while True:
        ids = list(IdempotentRequest.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        IdempotentRequest.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
