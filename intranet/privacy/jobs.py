"""Periodic (beat) jobs of the privacy app."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="privacy.exports_expire")
def exports_expire_task() -> int:
    """Delete the files of exports whose download link expired (beat, hourly)."""
    return services.exports_expire()
