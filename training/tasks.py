"""Celery interfaces of the training app: take ids, re-fetch, call one function; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import notify

# Programmes, sessions and certificates ----------------------------------------------------


@shared_task(name="training.waitlist_promoted_notify")
def waitlist_promoted_notify_task(booking_id: int) -> None:
    notify.notify_waitlist_promoted(booking_id)


@shared_task(name="training.session_cancelled_notify")
def session_cancelled_notify_task(session_id: int, actor_id: int | None) -> None:
    notify.notify_session_cancelled(session_id, actor_id)


@shared_task(name="training.session_reminder_notify")
def session_reminder_notify_task(booking_id: int) -> None:
    notify.notify_session_reminder(booking_id)


@shared_task(name="training.certificate_notify")
def certificate_notify_task(certificate_id: int, kind: str) -> None:
    notify.notify_certificate(certificate_id, kind)


@shared_task(name="training.programme_offer")
def programme_offer_task(user_id: int, community_id: int) -> None:
    from .services_offer import basic_programme_offer

    basic_programme_offer(user_id=user_id, community_id=community_id)


@shared_task(name="training.session_reminders")
def session_reminders_task() -> int:
    """Beat: remind people of tomorrow's sessions (each booking once)."""
    from .services_sessions import session_reminders_send

    return session_reminders_send()


@shared_task(name="training.certificate_expiry_reminders")
def certificate_expiry_reminders_task() -> int:
    """Beat: remind holders 30 days before their certificate expires (each certificate once)."""
    from .services_certificates import certificate_expiry_reminders_send

    return certificate_expiry_reminders_send()


# Exams, levels and circles ----------------------------------------------------------------


@shared_task(name="training.attempts_close_expired")
def attempts_close_expired_task() -> int:
    """Beat: close exam attempts left open past their deadline (safe to run twice)."""
    from .services_exams import attempts_close_expired

    return attempts_close_expired()


@shared_task(name="training.circles_finish_due")
def circles_finish_due_task() -> int:
    """Beat: mark circles whose last week is over as finished."""
    from .services_circles import circles_finish_due

    return circles_finish_due()


@shared_task(name="training.exam_graded_notify")
def exam_graded_notify_task(attempt_id: int) -> None:
    from .notify_qualification import notify_exam_graded

    notify_exam_graded(attempt_id)


@shared_task(name="training.level_changed_notify")
def level_changed_notify_task(change_id: int) -> None:
    from .notify_qualification import notify_level_changed

    notify_level_changed(change_id)
