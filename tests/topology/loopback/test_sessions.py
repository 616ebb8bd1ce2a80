"""Two web processes behind the balancer behave like one: sessions, the login lockout and rate
limits live in the shared Redis and PostgreSQL (issue 21, item 4, first bullet)."""

from __future__ import annotations

import json
from typing import Any

from intranet.core.security import REPORTS_PER_ADDRESS_PER_MINUTE

from .client import Browser, served_by


def test_a_session_created_on_one_web_process_is_valid_on_the_other(browser: Browser, seed: dict[str, Any]):
    person = seed["people"]["reader"]
    signed_in = browser.login(person["email"], seed["password"])
    assert signed_in.status_code == 302, signed_in.text[:500]
    answers = [browser.get("/notifications/") for _ in range(4)]
    assert [response.status_code for response in answers] == [200] * 4
    # Round robin: the session written by one process was read by both.
    assert {served_by(signed_in)} | {served_by(response) for response in answers} == {"web1", "web2"}


def test_the_login_lockout_counts_failures_on_both_processes(topology: Any, seed: dict[str, Any]):
    person = seed["people"]["locked"]
    browser = Browser(topology)
    failures = [browser.login(person["email"], "not the password") for _ in range(5)]
    assert all(response.status_code == 200 for response in failures)
    assert {served_by(response) for response in failures} == {"web1", "web2"}
    # The right password, now on either process: refused, the account is locked for both.
    for _ in range(2):
        refused = browser.login(person["email"], seed["password"])
        assert refused.status_code == 200
        assert "Too many failed login attempts" in refused.text
    assert browser.get("/notifications/").status_code == 302  # still signed out


def test_rate_limits_count_requests_on_both_processes(topology: Any):
    browser = Browser(topology)
    report = json.dumps({"csp-report": {"violated-directive": "script-src", "blocked-uri": "inline"}})
    answers = [
        browser.session.post(
            f"{topology.proxy_url}/csp-report/",
            data=report,
            headers={"Content-Type": "application/csp-report"},
            timeout=10,
        )
        for _ in range(REPORTS_PER_ADDRESS_PER_MINUTE + 1)
    ]
    codes = [response.status_code for response in answers]
    assert codes[:-1] == [204] * REPORTS_PER_ADDRESS_PER_MINUTE
    assert codes[-1] == 429
    assert {served_by(response) for response in answers} == {"web1", "web2"}
