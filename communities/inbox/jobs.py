"""Periodic (beat) jobs of the inbox."""

from __future__ import annotations

from celery import shared_task

from communities.inbox.services import unanswered_questions_sync


@shared_task(name="communities.inbox_unanswered_questions")
def inbox_unanswered_questions_task() -> tuple[int, int]:
    """Open inbox items for questions unanswered past their community's threshold (beat, idempotent)."""
    return unanswered_questions_sync()
