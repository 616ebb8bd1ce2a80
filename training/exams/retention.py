"""Retention of exam attempts (``RETENTION_EXAM_ATTEMPTS_DAYS``): finished attempts older than the
period are deleted with their answers. Attempts still running or waiting for grading stay, and so
do the certificates earned with them (a certificate does not depend on its attempt)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from intranet.core.retention import RetentionRule, cutoff, register_retention_rule, retention_days

from .models import Attempt


def _attempts_due(now: datetime) -> QuerySet[Any]:
    days = retention_days("RETENTION_EXAM_ATTEMPTS_DAYS")
    if not days:
        return Attempt.objects.none()
    return Attempt.objects.filter(
        state__in=[Attempt.State.PASSED, Attempt.State.FAILED], started_at__lt=cutoff(now, days)
    )


def register_rules() -> None:
    register_retention_rule(
        RetentionRule(
            key="exam_attempts",
            label=pgettext_lazy("retention", "Exam attempts"),
            setting="RETENTION_EXAM_ATTEMPTS_DAYS",
            due=_attempts_due,
        )
    )
