"""Liveness and readiness probes: open to anonymous clients, honest about the database and cache."""

from __future__ import annotations

import socket

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from intranet.core import health


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    health.reset_migration_check()
    yield
    health.reset_migration_check()


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_live_answers_without_database_or_session(client):
    # No ``db`` fixture: any query would raise here, so this also proves the probe touches no database.
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_ready_reports_every_check(client):
    response = client.get(reverse("core:health_ready"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok", "broker": "inline"},
    }


@pytest.mark.django_db
def test_ready_caches_a_positive_migrations_result(client, django_assert_num_queries):
    assert client.get("/healthz/ready").status_code == 200
    # Second probe: SELECT 1 only; the migration graph is not reloaded (no django_migrations query).
    with django_assert_num_queries(1) as ctx:
        assert client.get("/healthz/ready").status_code == 200
    assert ctx.captured_queries[0]["sql"] == "SELECT 1"


@pytest.mark.django_db
def test_ready_is_503_with_an_unapplied_migration(client):
    # The newest migration of core: the plan skips unapplied migrations below an applied leaf.
    MigrationRecorder.Migration.objects.filter(app="core").order_by("-name").first().delete()  # type: ignore[union-attr]
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "error: RuntimeError"


@pytest.mark.django_db
def test_ready_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"].startswith("error: ")


def test_ready_is_503_when_the_database_is_unreachable(client, django_db_blocker):
    """Point the real connection at a closed port: no mock, a true connection failure."""
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        connection.settings_dict["OPTIONS"] = {
            k: v for k, v in saved["OPTIONS"].items() if k not in ("host", "port", "pool")
        }
        try:
            response = client.get("/healthz/ready")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["database", "migrations"]
    assert body["checks"] == {
        "database": "error: OperationalError",
        "cache": "ok",
        "migrations": "skipped",
        "broker": "inline",
    }


def test_probes_bypass_host_validation_https_redirect_and_login(client, settings):
    """Orchestrators probe over plain HTTP with the pod address as Host."""
    settings.ALLOWED_HOSTS = ["intranet.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz/live", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    # Any other path is still protected by both.
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/", HTTP_HOST="intranet.example.com").status_code == 301


@pytest.fixture
def celery_broker(monkeypatch):
    """Point this process's Celery app at a broker URL for the test (tasks no longer inline)."""
    from intranet.celery import app

    # Celery prefers this variable to its configuration (CI sets it).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    saved = {key: app.conf.get(key) for key in ("task_always_eager", "broker_url")}

    def use(url: str) -> None:
        app.conf.update(task_always_eager=False, broker_url=url)

    yield use
    app.conf.update(saved)


@pytest.mark.redis
@pytest.mark.django_db
def test_ready_reports_a_reachable_broker(client, celery_broker, redis_url):
    celery_broker(redis_url)
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_ready_reports_a_broker_outage_but_stays_ready(client, celery_broker):
    """Web processes keep serving without a broker (the outbox holds the side effects): the probe
    says the broker is down and still answers 200, so the load balancer keeps the pod."""
    celery_broker(f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok", "broker": "down"},
    }
