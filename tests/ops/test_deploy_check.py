"""Production settings pass Django's deployment checklist with warnings treated as errors."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _prod_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet"),
        ALLOWED_HOSTS="intranet.example.com",
        TRUSTED_PROXY_COUNT="1",  # one TLS proxy in front, as deploy/README.md describes
        **extra,
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_prod_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_security_settings():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'ssl': s.SECURE_SSL_REDIRECT,"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'session_httponly': s.SESSION_COOKIE_HTTPONLY,"
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'nosniff': s.SECURE_CONTENT_TYPE_NOSNIFF,"
        "'referrer': s.SECURE_REFERRER_POLICY, 'debug': s.DEBUG,"
        "'csp': 'intranet.core.security.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE,"
        "'script_src': [str(x) for x in s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']]}))"
    )
    result = _manage("shell", "-c", script, env=_prod_env())
    assert result.returncode == 0, result.stderr
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hsts"] >= 365 * 24 * 60 * 60
    assert values["sub"] is True
    assert values["ssl"] is True
    assert values["session_secure"] is True
    assert values["session_httponly"] is True
    assert values["csrf_secure"] is True
    assert values["nosniff"] is True
    assert values["referrer"] == "same-origin"
    assert values["debug"] is False
    assert values["csp"] is True
    assert "'unsafe-inline'" not in values["script_src"]


def test_production_refuses_to_start_without_secret_key():
    env = _prod_env()
    env.pop("SECRET_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
