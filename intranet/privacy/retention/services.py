"""Apply the retention rules (``intranet.core.retention``) in bounded batches, or report them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from intranet.core.audit import audit_log
from intranet.core.erasure import audit_redaction
from intranet.core.retention import RetentionRule, retention_days, retention_rules


@dataclass(frozen=True)
class RetentionLine:
    """What one rule removes (or would remove) in one run."""

    key: str
    label: str
    action: str
    days: int | None
    """The period of a setting-wide rule; ``None`` for per-community rules."""
    due: int
    """Rows past their retention (all of them, not only this run's batch)."""
    done: int
    """Rows acted on in this run (0 in a dry run)."""


def retention_batch_size() -> int:
    """Rows each rule acts on per run at most (``RETENTION_BATCH_SIZE``)."""
    return int(getattr(settings, "RETENTION_BATCH_SIZE", 5000))


def _line(rule: RetentionRule, due: int, done: int) -> RetentionLine:
    days = retention_days(rule.setting) if rule.setting else None
    return RetentionLine(key=rule.key, label=str(rule.label), action=rule.action, days=days, due=due, done=done)


def retention_report(*, now: datetime | None = None) -> list[RetentionLine]:
    """The dry run: for every rule, how many rows are past their retention now (nothing changes)."""
    now = now or timezone.now()
    return [_line(rule, rule.due(now).count(), 0) for rule in retention_rules()]


def retention_apply(*, now: datetime | None = None, batch_size: int | None = None) -> list[RetentionLine]:
    """Apply every rule to at most ``batch_size`` rows (``RETENTION_BATCH_SIZE``), oldest keys first.

    Each rule runs in its own transaction together with its audit row (``retention.applied``, by the
    system, with the counts), so one failing rule leaves the others' work in place. What is left
    over goes the next night; the job is safe to run twice.
    """
    now = now or timezone.now()
    size = batch_size or retention_batch_size()
    lines: list[RetentionLine] = []
    for rule in retention_rules():
        with transaction.atomic():
            due = rule.due(now)
            pks = list(due.order_by("pk").values_list("pk", flat=True)[:size])
            with audit_redaction():
                done = rule.apply(due.model._default_manager.filter(pk__in=pks)) if pks else 0
            if done:
                audit_log(
                    actor=None,
                    action="retention.applied",
                    reason=rule.key,
                    after={"rule": rule.key, "action": rule.action, "rows": done, "cutoff": now.isoformat()},
                )
        lines.append(_line(rule, len(pks), done))
    return lines
