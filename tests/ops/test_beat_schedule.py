"""Every periodic job in the beat schedule names a task the worker registers: a job moved without
its name, or into a module the worker never imports (it discovers each app's ``tasks`` and ``jobs``
modules, intranet/celery.py), fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

# A fresh process, as a worker starts: in this one other tests swap Celery's current app.
_LIST_TASKS = """
import json, django
django.setup()
from intranet.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(app.tasks)))
"""


def test_every_beat_entry_names_a_task_the_worker_registers():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    out = subprocess.run(
        [sys.executable, "-c", _LIST_TASKS], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    registered = set(json.loads(out.stdout.strip().splitlines()[-1]))
    missing = {
        key: entry["task"] for key, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] not in registered
    }
    assert missing == {}
