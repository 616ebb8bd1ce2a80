"""The retention rules of the shell's own data: notifications, the audit log, inactive accounts.

Domain apps register theirs (direct messages, reports, exam attempts, community posts) from their
own ``AppConfig.ready``; :func:`register_rules` is called from the privacy app's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import pgettext_lazy

from intranet.accounts.erasure.eraser import person_erase
from intranet.accounts.erasure.placeholder import PLACEHOLDER_EMAIL
from intranet.accounts.models import User
from intranet.core.models import AuditEntry
from intranet.core.retention import RetentionRule, cutoff, register_retention_rule, retention_days
from intranet.notifications.models import Notification


def _notifications_due(now: datetime) -> QuerySet[Any]:
    days = retention_days("RETENTION_NOTIFICATIONS_DAYS")
    if not days:
        return Notification.objects.none()
    return Notification.objects.filter(created_at__lt=cutoff(now, days))


def _audit_due(now: datetime) -> QuerySet[Any]:
    days = retention_days("RETENTION_AUDIT_DAYS")
    if not days:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(created_at__lt=cutoff(now, days))


def _inactive_accounts_due(now: datetime) -> QuerySet[Any]:
    """Switched-off accounts whose last sign-in (or, never signed in, their joining) is older than
    the retention: the people who left. Active accounts are never due, however quiet."""
    days = retention_days("RETENTION_INACTIVE_ACCOUNTS_DAYS")
    if not days:
        return User.objects.none()
    before = cutoff(now, days)
    return (
        User.objects.filter(is_active=False)
        .exclude(email=PLACEHOLDER_EMAIL)
        .filter(Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before))
    )


def _erase_accounts(qs: QuerySet[Any]) -> int:
    erased = 0
    for pk in qs.values_list("pk", flat=True):
        person_erase(user_id=pk)
        erased += 1
    return erased


def register_rules() -> None:
    register_retention_rule(
        RetentionRule(
            key="notifications",
            label=pgettext_lazy("retention", "Notifications"),
            setting="RETENTION_NOTIFICATIONS_DAYS",
            due=_notifications_due,
        )
    )
    register_retention_rule(
        RetentionRule(
            key="audit_log",
            label=pgettext_lazy("retention", "Audit log entries"),
            setting="RETENTION_AUDIT_DAYS",
            due=_audit_due,
        )
    )
    register_retention_rule(
        RetentionRule(
            key="inactive_accounts",
            label=pgettext_lazy("retention", "Deactivated accounts (erased)"),
            setting="RETENTION_INACTIVE_ACCOUNTS_DAYS",
            due=_inactive_accounts_due,
            act=_erase_accounts,
            action="erase",
        )
    )
