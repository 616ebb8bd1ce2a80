"""The admin areas under their Content Security Policy: Wagtail's and Django's admin screens work
in Chromium with no violation (issue 17, item 19). The policy allows only what Wagtail 8 needs
beyond the site's ('unsafe-inline' scripts and styles, blob: images, framing by itself), so a
violation here means either a relaxation is missing or Wagtail started loading something new."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from wagtail.models import Collection

from intranet.cms.demo import ensure_page_tree
from tests.browser.conftest import sign_in
from tests.cms.pages import add_news
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _visit(page: Any, url: str, ready: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    expect(page.locator(ready).first).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    return [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]


def test_wagtail_and_django_admin_run_under_their_policy(browser, live_server):
    page_tree = ensure_page_tree()
    if Collection.get_first_root_node() is None:  # an earlier transactional test flushed the migrations' root
        Collection.add_root(name="Root")
    news = add_news(page_tree.news_index, title="Kantine wieder offen")
    admin = UserFactory.create(is_staff=True, is_superuser=True, display_name="Ada Admin")
    signed_in = sign_in(browser, live_server.url, admin)
    page = signed_in.page
    page.add_init_script(COLLECT_VIOLATIONS)
    base = live_server.url
    try:
        violations = []
        for path, ready in (
            ("/cms/", "main"),
            (f"/cms/pages/{page_tree.news_index.pk}/", "main table"),
            (f"/cms/pages/{news.pk}/edit/", "form#page-edit-form"),
            (f"/cms/pages/add/cms/newspage/{page_tree.news_index.pk}/", "form"),
            ("/cms/images/", "main"),
            ("/cms/images/multiple/add/", "main form"),
            ("/cms/documents/", "main"),
            ("/cms/users/", "main"),
            ("/django-admin/", "#content"),
            (f"/django-admin/accounts/user/{admin.pk}/change/", "#content form"),
        ):
            violations += _visit(page, base + path, ready)
        # The page editor's scripts ran: its tabs switch, and the minimap / side panels open.
        page.goto(f"{base}/cms/pages/{news.pk}/edit/")
        page.get_by_role("tab").nth(1).click()
        violations += [f"editor: {v}" for v in page.evaluate("window.__cspViolations")]
        assert violations == []
    finally:
        signed_in.context.close()
