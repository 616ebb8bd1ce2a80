"""``manage.py retention_report``: the dry run of the nightly retention job, for staff and operators.

Lists every retention rule, its period and how many rows are past it now; changes nothing. The job
itself runs nightly under Celery beat (``privacy-retention-nightly``) or now with
``manage.py run_job privacy-retention-nightly``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from intranet.privacy.retention.services import retention_report


class Command(BaseCommand):
    help = "List what the nightly retention job would delete or archive now (changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in retention_report():
            if line.days is None:
                period = _("per community")
            elif line.days:
                period = _("%(days)d days") % {"days": line.days}
            else:
                period = _("kept")
            self.stdout.write(f"{line.key:<26} {line.action:<8} {period:<16} {line.due:>9}  {line.label}")
