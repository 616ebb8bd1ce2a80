"""``manage.py health_backfill_events``: one "joined" event per active membership without one.

Membership history starts when the services began recording ``MembershipEvent`` rows; this command
adds a "joined" event (at the time the membership became active: ``decided_at``, else
``created_at``) for every active membership that has none yet, so the member figures of past days
are right. It is a command rather than a data migration because at the reference scale
(1.5 million memberships) it should run in batches of communities, each its own short transaction,
after the deploy and without holding the deploy's locks; it is idempotent and may be rerun.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

_SQL = """
INSERT INTO communities_membershipevent (community_id, user_id, kind, role, created_at)
SELECT m.community_id, m.user_id, 'joined', m.role, coalesce(m.decided_at, m.created_at)
FROM communities_membership m
WHERE m.state = 'active' AND m.community_id >= %(low)s AND m.community_id < %(high)s
  AND NOT EXISTS (
      SELECT 1 FROM communities_membershipevent e
      WHERE e.community_id = m.community_id AND e.user_id = m.user_id AND e.kind = 'joined'
  )
"""


class Command(BaseCommand):
    help = "Record a 'joined' membership event for every active membership that has none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="Communities per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM communities_community")
            top = int(cursor.fetchone()[0])
        total = 0
        for low in range(1, top + 1, batch):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_SQL, {"low": low, "high": low + batch})
                total += cursor.rowcount
        self.stdout.write(f"Recorded {total} joined events.")
