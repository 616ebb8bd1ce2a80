"""Shared fixtures. Tests run against real PostgreSQL (``DATABASE_URL``) and, where marked, Redis."""

from __future__ import annotations

import os

import pytest

from tests.factories import UserFactory
from tests.redis_fixtures import redis_url  # noqa: F401  (shared fixture)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_configure(config):
    # Playwright's sync API keeps an event loop running in the test thread; Django's ORM refuses
    # to run there unless told that this is intended (tests only).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
