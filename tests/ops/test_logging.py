"""Structured logs: with LOG_FORMAT=json every line on stderr is one JSON object."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import logging
import django
django.setup()
import structlog
from django.test import Client

structlog.get_logger("intranet.ops").info("order_shipped", order_id=42, note="grüße")
logging.getLogger("intranet.stdlib").warning("plain %s logging", "stdlib")
Client().get("/accounts/login/")
"""


@pytest.fixture
def test_database_url(db) -> str:
    """The URL of this run's (migrated) test database, for a child process to render pages."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _run(log_format: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings.test",
        DATABASE_URL=database_url,
        LOG_FORMAT=log_format,
        LOG_LEVEL="INFO",
    )
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_json_log_lines_parse_and_carry_context(test_database_url):
    result = _run("json", test_database_url)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    events = [json.loads(line) for line in lines]
    by_event = {event["event"]: event for event in events}

    shipped = by_event["order_shipped"]
    assert shipped["order_id"] == 42
    assert shipped["note"] == "grüße"
    assert shipped["level"] == "info"
    assert shipped["logger"] == "intranet.ops"
    assert shipped["timestamp"].endswith("Z")

    # Plain stdlib logging goes through the same renderer.
    assert by_event["plain stdlib logging"]["level"] == "warning"

    # django-structlog's request middleware tags the request with an id.
    finished = by_event["request_finished"]
    assert finished["code"] == 200
    assert finished["request_id"]


def test_console_format_is_not_json(test_database_url):
    result = _run("console", test_database_url)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if "order_shipped" in line)
    assert "order_id=42" in line
    assert not line.startswith("{")
