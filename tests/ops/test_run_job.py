"""``manage.py run_job``: every periodic job of the beat schedule can be run by hand, by its entry
or its task name, without a broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from intranet.core.jobs import UnknownJob, beat_jobs, jobs_named
from intranet.core.models import IdempotencyKey

# A fresh process, as an operator's shell starts: ``--list`` there, and the registry the jobs need.
_RESOLVE_ALL = """
import json, django
django.setup()
from intranet.core.jobs import _task, beat_jobs
print(json.dumps({job.entry: _task(job.task).name for job in beat_jobs()}))
"""


def test_every_beat_entry_has_a_command() -> None:
    out = StringIO()
    call_command("run_job", "--list", stdout=out)
    listed = {line.split()[0]: line.split()[1] for line in out.getvalue().splitlines()}
    assert listed == {key: entry["task"] for key, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    resolved = subprocess.run(
        [sys.executable, "-c", _RESOLVE_ALL], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    tasks = json.loads(resolved.stdout.strip().splitlines()[-1])
    assert tasks == {job.entry: job.task for job in beat_jobs()}


def test_names_are_entries_or_tasks() -> None:
    assert [job.args for job in jobs_named("notifications-digest-weekly")] == [("weekly",)]
    assert [job.args for job in jobs_named("notifications.digest_send")] == [("daily",), ("weekly",)]
    assert [job.args for job in jobs_named("notifications.digest_send", ["daily"])] == [("daily",)]
    with pytest.raises(UnknownJob):
        jobs_named("nightly.everything")


@pytest.mark.django_db
def test_a_job_runs_inline() -> None:
    out = StringIO()
    call_command("run_job", "core-idempotency-purge", stdout=out)
    assert out.getvalue().strip() == "core.idempotency_purge: 0"
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db
def test_the_health_job_runs_by_task_name_with_a_day() -> None:
    out = StringIO()
    call_command("run_job", "communities.health_figures_daily", "2026-01-01", stdout=out)
    assert "'day': '2026-01-01'" in out.getvalue()


def test_unknown_or_missing_names_answer_with_the_list() -> None:
    with pytest.raises(CommandError, match="run_job --list"):
        call_command("run_job", "nightly.everything", stdout=StringIO())
    out = StringIO()
    with pytest.raises(CommandError, match="Name a job"):
        call_command("run_job", stdout=out)
    assert "communities-health-figures-nightly" in out.getvalue()
