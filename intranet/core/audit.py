"""One helper that every privileged action calls, inside the action's own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import AuditEntry


def audit_log(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    scope: str = "",
) -> AuditEntry:
    """Write one audit row for ``action`` done by ``actor`` (``None`` for the system).

    Must run inside the transaction of the action it records, so the action and its record commit
    or roll back together.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_log() must be called inside the transaction of the audited action.")
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor_id=actor_id,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        reason=reason,
        before=before,
        after=after,
        scope=scope,
    )
