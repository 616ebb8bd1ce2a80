"""Celery interfaces of communities: take ids, re-fetch, call one function; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from communities.core import notify


@shared_task(name="communities.post_notify")
def post_notify_task(post_id: int) -> None:
    """Fan a new post out: mentions, then followers of the community (chunked, idempotent)."""
    notify.notify_post_created(post_id)


@shared_task(name="communities.mentions_notify")
def mentions_notify_task(post_id: int, comment_id: int | None) -> None:
    notify.notify_mentions(post_id, comment_id)


@shared_task(name="communities.comment_notify")
def comment_notify_task(comment_id: int) -> None:
    notify.notify_comment_created(comment_id)


@shared_task(name="communities.answer_accepted_notify")
def answer_accepted_notify_task(post_id: int, comment_id: int, actor_id: int | None) -> None:
    notify.notify_answer_accepted(post_id, comment_id, actor_id)


@shared_task(name="communities.reaction_notify")
def reaction_notify_task(post_id: int, actor_id: int) -> None:
    notify.notify_post_reacted(post_id, actor_id)


@shared_task(name="communities.membership_request_notify")
def membership_request_notify_task(membership_id: int) -> None:
    notify.notify_membership_requested(membership_id)


@shared_task(name="communities.membership_decision_notify")
def membership_decision_notify_task(
    membership_id: int, user_id: int, community_id: int, approved: bool, actor_id: int | None
) -> None:
    notify.notify_membership_decided(membership_id, user_id, community_id, approved, actor_id)


@shared_task(name="communities.invitation_notify")
def invitation_notify_task(community_id: int, user_ids: list[int], actor_id: int | None, token: int) -> None:
    notify.notify_members_invited(community_id, user_ids, actor_id, token)


@shared_task(name="communities.role_notify")
def role_notify_task(membership_id: int, role: str, actor_id: int | None, token: int) -> None:
    notify.notify_role_changed(membership_id, role, actor_id, token)


@shared_task(name="communities.inbox_unanswered_questions")
def inbox_unanswered_questions_task() -> tuple[int, int]:
    """Open inbox items for questions unanswered past their community's threshold (beat, idempotent)."""
    from communities.inbox.services import unanswered_questions_sync

    return unanswered_questions_sync()


@shared_task(name="communities.health_figures_daily")
def health_figures_daily_task(day: str | None = None) -> dict[str, object]:
    """Nightly: yesterday's community figures (or ``day``, ISO date), then the health score."""
    import datetime as dt

    from communities.health.figures import health_job_run

    result = health_job_run(dt.date.fromisoformat(day) if day else None)
    return {"day": result.day.isoformat(), "rows": result.rows, "health_rows": result.health_rows}
