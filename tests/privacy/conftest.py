"""Fixtures of the privacy tests: the real Celery worker of the notification tests, writing its
files where the test process reads them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.notifications.conftest import celery_worker  # noqa: F401  (shared fixture)


@pytest.fixture
def worker_media_root(settings) -> Iterator[None]:
    """Point the worker's MEDIA_ROOT at this test's media folder (request it before ``celery_worker``)."""
    old = os.environ.get("MEDIA_ROOT")
    os.environ["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    yield
    if old is None:
        os.environ.pop("MEDIA_ROOT", None)
    else:
        os.environ["MEDIA_ROOT"] = old
