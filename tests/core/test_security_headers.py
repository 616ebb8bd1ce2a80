"""Permissions-Policy, the CSP of the admin areas and the CSP report endpoint (issue 17, item 19)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from intranet.cms.demo import ensure_page_tree
from intranet.core import security
from tests.factories import UserFactory
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db

REPORT_URL = "/csp-report/"


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_every_response_denies_powerful_browser_features(client):
    for response in (client.get(reverse("account_login")), client.get("/no-such-page/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, policy
        assert response["Reporting-Endpoints"] == f'csp-endpoint="{REPORT_URL}"'


def test_site_policy_is_strict_and_reports(client):
    csp = _directives(client.get(reverse("account_login"))["Content-Security-Policy"])
    assert "'unsafe-inline'" not in csp["script-src"] and any(s.startswith("'nonce-") for s in csp["script-src"])
    assert csp["style-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["report-uri"] == [REPORT_URL] and csp["report-to"] == ["csp-endpoint"]


@pytest.mark.parametrize("path", ["/cms/", "/cms/pages/", "/django-admin/", "/django-admin/accounts/user/"])
def test_admin_areas_have_a_policy_with_only_the_needed_relaxations(path):
    # Transactional tests of the same worker may have emptied the page tree the CMS screens need.
    ensure_page_tree()
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]  # no nonce: it would disable 'unsafe-inline'
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["connect-src"] == ["'self'"] and csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"] and csp["report-uri"] == [REPORT_URL]
    assert "gravatar" not in response.content.decode()


def _report(client: Client, payload: object, content_type: str = "application/csp-report", **extra):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(REPORT_URL, body, content_type=content_type, **extra)


CSP_REPORT = {
    "csp-report": {
        "document-uri": "https://intranet.example.com/communities/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example/x.js",
        "source-file": "https://intranet.example.com/communities/",
        "line-number": 12,
    }
}


def test_report_uri_format_is_logged_as_a_warning(caplog):
    client = Client(enforce_csrf_checks=True)  # browsers send no CSRF token
    with caplog.at_level(logging.WARNING, logger="intranet.core.security"):
        response = _report(client, CSP_REPORT)
    assert response.status_code == 204
    records = [r for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "csp_violation"]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    logged = [r.msg for r in records]
    assert logged[0]["directive"] == "script-src-elem" and logged[0]["blocked"] == "https://evil.example/x.js"
    assert logged[0]["line"] == "12"


def test_report_to_batches_are_logged_and_capped(caplog):
    batch = [
        {
            "type": "csp-violation",
            "url": "https://i.example/",
            "body": {"effectiveDirective": "img-src", "blockedURL": "x" * 400},
        }
        for _ in range(security.REPORTS_PER_REQUEST + 5)
    ] + [{"type": "deprecation", "body": {}}]
    with caplog.at_level(logging.WARNING, logger="intranet.core.security"):
        response = _report(Client(), batch, content_type="application/reports+json")
    assert response.status_code == 204
    logged = [r.msg for r in caplog.records if isinstance(r.msg, dict) and r.msg.get("event") == "csp_violation"]
    assert len(logged) == security.REPORTS_PER_REQUEST
    assert logged[0]["directive"] == "img-src" and len(logged[0]["blocked"]) == security.FIELD_MAX


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (CSP_REPORT, "text/plain", 415),
        (b"{not json", "application/csp-report", 400),
        (b"\xff\xfe", "application/csp-report", 400),
        ({"something": "else"}, "application/csp-report", 400),
        ([], "application/reports+json", 400),
        (b"[" + b" " * (20 * 1024) + b"]", "application/reports+json", 413),
    ],
)
def test_bad_reports_are_refused(body, content_type, status, caplog):
    with caplog.at_level(logging.WARNING, logger="intranet.core.security"):
        assert _report(Client(), body, content_type=content_type).status_code == status
    assert not [r for r in caplog.records if r.name == "intranet.core.security"]


def test_reports_are_posts_only(client):
    assert client.get(REPORT_URL).status_code == 405


def test_reports_are_rate_limited_per_address():
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [_report(client, CSP_REPORT).status_code for _ in range(security.REPORTS_PER_ADDRESS_PER_MINUTE + 3)]
    assert statuses.count(204) == security.REPORTS_PER_ADDRESS_PER_MINUTE and statuses[-1] == 429
    assert _report(Client(REMOTE_ADDR="203.0.113.10"), CSP_REPORT).status_code == 204


@pytest.mark.django_db
def test_a_report_costs_no_query():
    """The report endpoint is open to anyone: it must never reach the database."""
    with pin_queries(0):
        assert _report(Client(), CSP_REPORT).status_code == 204
