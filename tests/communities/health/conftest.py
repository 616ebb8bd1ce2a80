"""Fixtures of the health tests; the real Celery worker comes from the notifications tests."""

from __future__ import annotations

from tests.notifications.conftest import celery_worker  # noqa: F401  (fixture)
