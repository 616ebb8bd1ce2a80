"""The periodic jobs of ``CELERY_BEAT_SCHEDULE``, runnable by name outside of Celery beat.

Beat runs the jobs only where a broker (Redis) is configured. A fresh installation, the demo and
an operator who wants a figure *now* run them through :func:`job_run` (``manage.py run_job``):
by beat entry (``communities-health-figures-nightly``) or by task name
(``communities.health_figures_daily``), with the entry's arguments. Tasks are looked up in
Celery's registry by name, so the kernel names no feature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from django.conf import settings


@dataclass(frozen=True)
class Job:
    """One beat entry: its key, the task it runs and the arguments beat passes."""

    entry: str
    task: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The task name, with the arguments when they tell entries of one task apart."""
        return f"{self.task} {' '.join(map(str, self.args))}".strip()


class UnknownJob(LookupError):
    pass


def beat_jobs() -> list[Job]:
    """Every entry of ``CELERY_BEAT_SCHEDULE``, in the order of the settings."""
    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    return [
        Job(key, entry["task"], tuple(entry.get("args", ())), dict(entry.get("kwargs", {})))
        for key, entry in schedule.items()
    ]


def jobs_named(name: str, args: Sequence[str] = ()) -> list[Job]:
    """The jobs ``name`` means: a beat entry key, or a task name (every entry of that task, or the
    task alone with ``args`` when given). Raises :class:`UnknownJob` for anything else."""
    jobs = beat_jobs()
    by_entry = [job for job in jobs if job.entry == name]
    if by_entry:
        return by_entry
    by_task = [job for job in jobs if job.task == name]
    if not by_task:
        raise UnknownJob(name)
    if args:
        return [Job(by_task[0].entry, name, tuple(args))]
    return by_task


def _task(name: str) -> Any:
    # Tasks live in the features' jobs.py modules, which Celery imports on demand.
    current_app.loader.import_default_modules()
    try:
        return current_app.tasks[name]
    except KeyError:
        raise UnknownJob(name) from None


def job_run(job: Job) -> Any:
    """Run ``job`` in this process, now, and return the task's result (exceptions propagate)."""
    return _task(job.task).apply(args=job.args, kwargs=job.kwargs, throw=True).get()


def job_dispatch(job: Job) -> Any:
    """Hand ``job`` to a Celery worker (inline when Celery runs eagerly, i.e. without a broker)."""
    return _task(job.task).apply_async(args=job.args, kwargs=job.kwargs)
