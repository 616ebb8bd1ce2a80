"""Shared fixtures. Tests run against real PostgreSQL (``DATABASE_URL``) and, where marked, Redis."""

from __future__ import annotations

import os

import pytest

from tests.factories import UserFactory
from tests.redis_fixtures import redis_url  # noqa: F401  (shared fixture)
from tests.support.error_logs import ErrorLogGuard


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


@pytest.fixture(autouse=True)
def _fail_on_unexpected_error_logs(request):
    """A test fails when project code logs at ERROR or above and the test did not mark it expected
    (``@pytest.mark.expect_error_logs``; see tests/support/error_logs.py)."""
    with ErrorLogGuard() as guard:
        yield
    marker = request.node.get_closest_marker("expect_error_logs")
    unexpected = guard.unexpected(expected=marker is not None, texts=marker.args if marker else ())
    if unexpected:
        pytest.fail(guard.report(unexpected), pytrace=False)


def pytest_configure(config):
    # Playwright's sync API keeps an event loop running in the test thread; Django's ORM refuses
    # to run there unless told that this is intended (tests only).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (a minute or more each) are collected first, so that xdist starts them at
    once and spreads the short ones around them instead of waiting for one at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
