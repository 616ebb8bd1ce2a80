"""Retention rules: which rows of which kind are due to go, declared by the app that owns them.

The nightly retention job (``intranet.privacy.retention``) applies every registered rule in bounded
batches and writes one audit row per rule; its dry run lists what would go. A rule names its setting
(``RETENTION_DIRECT_MESSAGES_DAYS``; 0 or unset keeps everything) or decides per row (the posts of
a community with its own retention). Apps register rules from their ``AppConfig.ready``, so the
kernel and the privacy app never import a feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet


def retention_days(setting: str) -> int:
    """The days ``setting`` keeps rows for; 0 (unset, empty or not a positive number) keeps them."""
    try:
        days = int(getattr(settings, setting, 0) or 0)
    except (TypeError, ValueError):
        return 0
    return max(days, 0)


def cutoff(now: datetime, days: int) -> datetime:
    """Rows created before this instant are older than ``days`` days at ``now``."""
    return now - timedelta(days=days)


@dataclass(frozen=True)
class RetentionRule:
    """One kind of data with a retention period.

    ``due(now)`` returns the rows that are past their retention at ``now`` (an empty queryset when
    the setting keeps everything). ``act(qs)`` does what retention means for them (default: delete)
    and returns how many rows it touched; it receives at most one batch of rows at a time.
    """

    key: str
    label: Any
    #: The setting of the period, or "" when the rule decides per row (per community).
    setting: str
    due: Callable[[datetime], QuerySet[Any]]
    act: Callable[[QuerySet[Any]], int] | None = None
    #: "delete" or "archive": what happens, for the report.
    action: str = "delete"

    def apply(self, qs: QuerySet[Any]) -> int:
        if self.act is not None:
            return self.act(qs)
        deleted, by_model = qs.delete()
        model: type[Model] = qs.model
        return int(by_model.get(model._meta.label, deleted))


_rules: dict[str, RetentionRule] = {}


def register_retention_rule(rule: RetentionRule) -> None:
    """Register ``rule`` (registering the same key again replaces it)."""
    _rules[rule.key] = rule


def retention_rules() -> list[RetentionRule]:
    return [_rules[key] for key in sorted(_rules)]
