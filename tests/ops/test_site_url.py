"""The address in e-mails and unsubscribe links follows the port of ``make run`` unless
``SITE_URL`` is set (issue 18, item 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from intranet.settings.env import Env

ROOT = Path(__file__).resolve().parents[2]

_PRINT = """
import django
django.setup()
from django.conf import settings
from intranet.notifications.emails import unsubscribe_url
print(settings.SITE_URL)
print(unsubscribe_url(1, ["post_created"]))
"""


def _settings_of(**variables: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in ("SITE_URL", "PORT")}
    env.update(variables, DJANGO_SETTINGS_MODULE="intranet.settings.dev")
    out = subprocess.run([sys.executable, "-c", _PRINT], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    site_url, unsubscribe = out.stdout.strip().splitlines()[-2:]
    assert unsubscribe.startswith(f"{site_url}/"), unsubscribe
    return [site_url]


def test_default_site_url_follows_the_port() -> None:
    # Explicit values: the test process's own environment must not decide.
    assert Env(site_url="", port=8000).effective_site_url == "http://127.0.0.1:8000"
    assert Env(site_url="", port=8100).effective_site_url == "http://127.0.0.1:8100"
    assert Env.model_fields["site_url"].default == ""
    assert Env.model_fields["port"].default == 8000


def test_site_url_set_wins_over_the_port() -> None:
    env = Env(port=8100, site_url="https://intranet.example.com/")
    assert env.effective_site_url == "https://intranet.example.com"


def test_links_in_emails_follow_port_unless_site_url_is_set() -> None:
    assert _settings_of(PORT="8100") == ["http://127.0.0.1:8100"]
    assert _settings_of(PORT="8100", SITE_URL="https://intranet.example.com") == ["https://intranet.example.com"]
