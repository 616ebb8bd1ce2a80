"""Celery interface of the post fan-out, for redelivery by hand or by an operator.

New posts reach their readers through the outbox (``communities.posts.notify``); this task runs the
same idempotent work for one post id: safe to run twice.
"""

from __future__ import annotations

from celery import shared_task

from communities.posts import notify


@shared_task(name="communities.post_notify")
def post_notify_task(post_id: int) -> None:
    """Fan a new post out: mentions, then followers of the community (chunked, idempotent)."""
    notify.notify_post_created(post_id)
