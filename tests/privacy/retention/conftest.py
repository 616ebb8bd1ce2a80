from tests.notifications.conftest import celery_worker  # noqa: F401  (fixture)
