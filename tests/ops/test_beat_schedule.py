"""Every periodic job in the beat schedule names a task the worker knows (tasks.py and jobs.py
modules are autodiscovered; a job moved without its name, or into an undiscovered module, fails here)."""

from __future__ import annotations

from django.conf import settings

from intranet.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    missing = {
        key: entry["task"] for key, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] not in app.tasks
    }
    assert missing == {}
