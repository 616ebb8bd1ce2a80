"""Celery application: configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")

app = Celery("intranet")
# The default app of every thread, not only the importing one: shared tasks sent from other threads
# (a threaded server, a test starting threads) must find this app and its registered tasks.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Periodic (beat) tasks live in each app's (or feature's) jobs.py.
app.autodiscover_tasks(related_name="jobs")

# Tasks read the primary, not a lagging replica (intranet/core/dbrouter.py).
from intranet.core.dbrouter import connect_celery_signals  # noqa: E402

connect_celery_signals()
