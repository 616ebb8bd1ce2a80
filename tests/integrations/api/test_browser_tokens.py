"""The token page and the API reference in Chromium: a token is created and shown once at phone,
laptop and wide widths, and Swagger UI runs under the site's Content Security Policy."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from integrations.api.tokenformat import PATTERN
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, for this folder too)
    browser_context_args,
    browser_type_launch_args,
    screenshot,
    screenshots_dir,
    sign_in,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
});
"""


def test_token_page_and_api_reference(browser: Any, live_server: Any) -> None:
    user = UserFactory.create()
    signed = sign_in(browser, live_server.url, user)
    page = signed.page
    page.goto(f"{live_server.url}/settings/api-tokens/")
    page.get_by_label("Name").fill("Team dashboard")
    page.locator("#token-form button[type=submit]").click()
    secret = page.locator("#token-secret").input_value()
    assert PATTERN.fullmatch(secret)
    for width in (390, 1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        shot = page.screenshot(full_page=True)
        assert shot
        page.screenshot(path=str(screenshots_dir_path() / f"api-tokens-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/settings/api-tokens/")
    expect(page.locator("#token-table")).to_contain_text("Team dashboard")
    assert page.locator("#token-secret").count() == 0

    page.add_init_script(COLLECT_VIOLATIONS)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Intranet API", timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshots_dir_path() / "api-docs-1280.png"), full_page=False)
    assert page.evaluate("window.__cspViolations") == []


def screenshots_dir_path() -> Any:
    from tests.browser.conftest import ARTIFACTS

    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
