"""Writes of community health: a coordinator's request to recompute now.

The figures and the score themselves are written by the nightly job (``jobs.py``); this service
only records the request, so the work runs in a Celery worker when there is a broker and inline
otherwise (through the outbox: ``receivers.py`` and the tandem suggestions subscribe).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from communities.health import events
from communities.health.permissions import can_recompute_health
from intranet.core.audit import audit_log
from intranet.core.models import AuditEntry
from intranet.core.permissions import require
from intranet.core.viewer import Viewer

RECOMPUTE_ACTION = "health.recompute_requested"
#: A second request within this time is the same request (a double click, two coordinators at once).
RECOMPUTE_GUARD = dt.timedelta(minutes=2)
#: Key of the transaction-level advisory lock serialising requests (any constant of this module).
_LOCK_KEY = 0x4845414C  # "HEAL"


def health_recompute_request(*, actor: Viewer) -> bool:
    """Ask for the health figures, the score (dormant, orphaned, slowing) and the tandem suggestions
    to be recomputed now. Coordinators only; one audit row.

    Returns ``False`` and does nothing when a request was made within ``RECOMPUTE_GUARD`` already
    (requests are serialised by an advisory lock, so two at once make one). The jobs run after
    commit, through the outbox.
    """
    require(can_recompute_health(actor))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        recent = AuditEntry.objects.filter(action=RECOMPUTE_ACTION, created_at__gte=timezone.now() - RECOMPUTE_GUARD)
        if recent.exists():
            return False
        audit_log(actor=actor.user, action="health.recompute_requested", scope="console")
        events.recompute_requested(actor.user_id)
    return True
