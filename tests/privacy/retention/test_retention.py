"""Retention (issue 23, item 4): each kind of data at its day boundary (one day inside the period:
kept; one day past it: gone), 0 keeps everything, bounded batches, the dry run, the audit row, the
beat entry and the job in a real Celery worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from communities.core.services import community_create
from communities.core.services.membership import membership_join
from communities.models import Community, Post
from communities.moderation.models import Report
from communities.moderation.services import report_create
from intranet.accounts.models import User
from intranet.core.audit import audit_log
from intranet.core.erasure import audit_redaction
from intranet.core.models import AuditEntry
from intranet.messaging.models import Message
from intranet.messaging.services import conversation_start
from intranet.notifications.models import Notification
from intranet.privacy.retention.jobs import retention_apply_task
from intranet.privacy.retention.services import retention_apply, retention_report
from tests.communities.factories import write_post
from tests.factories import UserFactory
from tests.notifications.conftest import wait_for
from tests.training.qualification_helpers import correct_answers, make_exam
from training.exams.models import Attempt
from training.exams.services import attempt_start, attempt_submit

NOW = timezone.now()
DAYS = 30
INSIDE = NOW - dt.timedelta(days=DAYS - 1)  # one day before the period ends: kept
PAST = NOW - dt.timedelta(days=DAYS + 1)  # one day after: gone


def _notification(when: dt.datetime) -> int:
    row = Notification.objects.create(
        recipient=UserFactory.create(), kind="k", event_key=f"e{when.timestamp()}", url="/", delivery="in_app"
    )
    Notification.objects.filter(pk=row.pk).update(created_at=when)
    return row.pk


def _message(when: dt.datetime) -> int:
    _conversation, message = conversation_start(
        actor=UserFactory.create(), recipients=[UserFactory.create()], body="hello"
    )
    Message.objects.filter(pk=message.pk).update(created_at=when)
    return message.pk


def _audit(when: dt.datetime) -> int:
    with transaction.atomic():
        entry = audit_log(actor=None, action="test.something")
        with audit_redaction():
            AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry.pk


def _report(when: dt.datetime) -> int:
    owner = UserFactory.create()
    community = community_create(actor=owner, name=f"Reported {when.timestamp()}")
    post = write_post(owner, community)
    reporter = UserFactory.create()
    membership_join(actor=reporter, community=community)
    report = report_create(actor=reporter, post=post, reason="spam", text="spam!")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RESOLVED, handled_at=when)
    return report.pk


def _attempt(when: dt.datetime) -> int:
    learner = UserFactory.create()
    attempt = attempt_start(actor=learner, exam=make_exam(single=1))
    attempt_submit(actor=learner, attempt=attempt, answers=correct_answers(attempt))
    Attempt.objects.filter(pk=attempt.pk).update(started_at=when)
    return attempt.pk


def _inactive_account(when: dt.datetime) -> int:
    return UserFactory.create(is_active=False, last_login=when).pk


KINDS: dict[str, tuple[str, Callable[[dt.datetime], int], Any]] = {
    "notifications": ("RETENTION_NOTIFICATIONS_DAYS", _notification, Notification),
    "direct_messages": ("RETENTION_DIRECT_MESSAGES_DAYS", _message, Message),
    "audit_log": ("RETENTION_AUDIT_DAYS", _audit, AuditEntry),
    "reports": ("RETENTION_REPORTS_DAYS", _report, Report),
    "exam_attempts": ("RETENTION_EXAM_ATTEMPTS_DAYS", _attempt, Attempt),
    "inactive_accounts": ("RETENTION_INACTIVE_ACCOUNTS_DAYS", _inactive_account, User),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_at_its_day_boundary(kind: str, settings: Any) -> None:
    setting, make, model = KINDS[kind]
    inside, past = make(INSIDE), make(PAST)
    setattr(settings, setting, 0)
    assert {line.key: line.done for line in retention_apply(now=NOW)}[kind] == 0  # 0 keeps everything
    assert model.objects.filter(pk=past).exists()

    setattr(settings, setting, DAYS)
    report = {line.key: line for line in retention_report(now=NOW)}
    assert report[kind].due == 1 and report[kind].days == DAYS
    assert model.objects.filter(pk=past).exists()  # the dry run changes nothing

    lines = {line.key: line for line in retention_apply(now=NOW)}
    assert lines[kind].done == 1
    assert model.objects.filter(pk=inside).exists()
    assert not model.objects.filter(pk=past).exists()
    assert AuditEntry.objects.filter(action="retention.applied", reason=kind, actor=None).exists()
    assert {line.key: line.done for line in retention_apply(now=NOW)}[kind] == 0  # safe to run twice


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["archive", "delete"])
def test_community_posts_at_the_day_boundary(action: str) -> None:
    owner = UserFactory.create()
    community = community_create(actor=owner, name="Short memory")
    keeps = community_create(actor=owner, name="Keeps everything")
    Community.objects.filter(pk=community.pk).update(post_retention_days=DAYS, post_retention_action=action)
    inside, past, other = write_post(owner, community), write_post(owner, community), write_post(owner, keeps)
    Post.objects.filter(pk__in=[inside.pk, other.pk]).update(created_at=INSIDE)
    Post.objects.filter(pk=other.pk).update(created_at=PAST - dt.timedelta(days=400))
    Post.objects.filter(pk=past.pk).update(created_at=PAST)

    lines = {line.key: line.done for line in retention_apply(now=NOW)}
    assert lines[f"community_posts_{action}"] == 1
    inside.refresh_from_db()
    other.refresh_from_db()
    assert inside.archived_at is None and other.archived_at is None
    if action == "archive":
        past.refresh_from_db()
        assert past.archived_at is not None and past.is_locked
        assert {line.key: line.done for line in retention_apply(now=NOW)}["community_posts_archive"] == 0
    else:
        assert not Post.objects.filter(pk=past.pk).exists()
        community.refresh_from_db()
        assert community.post_count == 1


@pytest.mark.django_db
def test_batches_are_bounded_and_the_rest_follows_next_run(settings: Any) -> None:
    settings.RETENTION_NOTIFICATIONS_DAYS = DAYS
    for _ in range(5):
        _notification(PAST)
    assert {line.key: line.done for line in retention_apply(now=NOW, batch_size=2)}["notifications"] == 2
    assert Notification.objects.count() == 3
    retention_apply(now=NOW, batch_size=2)
    retention_apply(now=NOW, batch_size=2)
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_command_lists_every_rule_and_changes_nothing(settings: Any) -> None:
    settings.RETENTION_NOTIFICATIONS_DAYS = DAYS
    _notification(PAST)
    out = StringIO()
    call_command("retention_report", stdout=out)
    text = out.getvalue()
    for key in [*KINDS, "community_posts_archive", "community_posts_delete"]:
        assert key in text
    assert Notification.objects.count() == 1


def test_beat_runs_the_job_nightly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention-nightly"]
    assert entry["task"] == retention_apply_task.name == "privacy.retention_apply"
    assert isinstance(entry["schedule"], crontab)


@pytest.mark.django_db
def test_run_job_runs_it_now(settings: Any) -> None:
    settings.RETENTION_NOTIFICATIONS_DAYS = DAYS
    gone = _notification(PAST)
    call_command("run_job", "privacy-retention-nightly", stdout=StringIO())
    assert not Notification.objects.filter(pk=gone).exists()


@pytest.fixture
def retention_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker is a separate process: it reads its settings from the environment. Requested
    # before ``celery_worker`` so the worker starts with it.
    monkeypatch.setenv("RETENTION_NOTIFICATIONS_DAYS", str(DAYS))


@pytest.mark.redis
@pytest.mark.worker
def test_job_runs_in_a_real_worker(retention_env: None, celery_worker: Any) -> None:
    kept, gone = (
        _notification(timezone.now() - dt.timedelta(days=DAYS - 1)),
        _notification(timezone.now() - dt.timedelta(days=DAYS + 1)),
    )
    result = retention_apply_task.delay()
    wait_for(lambda: not Notification.objects.filter(pk=gone).exists(), worker=celery_worker)
    assert Notification.objects.filter(pk=kept).exists()
    assert result.get(timeout=30, disable_sync_subtasks=False)["notifications"] == 1
