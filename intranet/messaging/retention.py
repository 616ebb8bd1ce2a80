"""Retention of direct messages (``RETENTION_DIRECT_MESSAGES_DAYS``): older messages are deleted for
every participant; the conversations' previews are rebuilt from what remains."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from intranet.core.retention import RetentionRule, cutoff, register_retention_rule, retention_days

from .erasure import refresh_previews
from .models import Message


def _messages_due(now: datetime) -> QuerySet[Any]:
    days = retention_days("RETENTION_DIRECT_MESSAGES_DAYS")
    if not days:
        return Message.objects.none()
    return Message.objects.filter(created_at__lt=cutoff(now, days))


def _delete_messages(qs: QuerySet[Any]) -> int:
    conversation_ids = set(qs.values_list("conversation_id", flat=True))
    deleted = qs.delete()[1].get(Message._meta.label, 0)
    refresh_previews(conversation_ids)
    return deleted


def register_rules() -> None:
    register_retention_rule(
        RetentionRule(
            key="direct_messages",
            label=pgettext_lazy("retention", "Direct messages"),
            setting="RETENTION_DIRECT_MESSAGES_DAYS",
            due=_messages_due,
            act=_delete_messages,
        )
    )
