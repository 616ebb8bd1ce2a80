"""Retention of the webhook delivery log (``RETENTION_WEBHOOK_DELIVERIES_DAYS``, 30 days by default).

Only finished deliveries go (sent or given up): a pending one is still owed to its receiver, and
the order per subscription depends on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from intranet.core.retention import RetentionRule, cutoff, register_retention_rule, retention_days

from .models import Delivery


def _deliveries_due(now: datetime) -> QuerySet[Any]:
    days = retention_days("RETENTION_WEBHOOK_DELIVERIES_DAYS")
    if not days:
        return Delivery.objects.none()
    return Delivery.objects.filter(created_at__lt=cutoff(now, days)).exclude(status=Delivery.Status.PENDING)


def register_rules() -> None:
    register_retention_rule(
        RetentionRule(
            key="webhook_deliveries",
            label=pgettext_lazy("retention", "Webhook deliveries"),
            setting="RETENTION_WEBHOOK_DELIVERIES_DAYS",
            due=_deliveries_due,
        )
    )
