"""Retention of reports and moderation notes (``RETENTION_REPORTS_DAYS``): closed reports (resolved or
dismissed) handled longer ago than the period are deleted with the reporters' entries and notes.
Open reports always stay: someone still has to look at them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import pgettext_lazy

from communities.moderation.models import Report
from intranet.core.retention import RetentionRule, cutoff, register_retention_rule, retention_days


def _reports_due(now: datetime) -> QuerySet[Any]:
    days = retention_days("RETENTION_REPORTS_DAYS")
    if not days:
        return Report.objects.none()
    before = cutoff(now, days)
    return Report.objects.exclude(status=Report.Status.OPEN).filter(
        Q(handled_at__lt=before) | Q(handled_at__isnull=True, last_reported_at__lt=before)
    )


def register_rules() -> None:
    register_retention_rule(
        RetentionRule(
            key="reports",
            label=pgettext_lazy("retention", "Closed reports and moderation notes"),
            setting="RETENTION_REPORTS_DAYS",
            due=_reports_due,
        )
    )
