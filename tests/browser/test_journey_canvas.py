"""The Community Canvas journey in a real browser.

Lena, who manages a young community, opens the canvas from the settings page, fills the purpose
(first save) and then the rituals and adds to the purpose (second save); she opens the history,
looks at version 1, compares version 1 with version 2, and opens the print view.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from communities.core.services import community_create
from communities.models import CanvasVersion, Community
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_fills_two_themes_and_sees_history_and_diff(browser: Browser, live_server, screenshots_dir):
    lena = UserFactory.create(email="lena.brandt@corp.example", display_name="Lena Brandt", handle="lena.brandt")
    community = community_create(
        actor=lena,
        name="Urban Gardening",
        description="Beete auf dem Dach von Gebäude C.",
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
    )
    signed_in = sign_in(browser, live_server.url, lena)
    page = signed_in.page

    def screenshot(label: str) -> None:
        page.screenshot(path=str(screenshots_dir / f"journey-canvas-{label}.png"), full_page=True)

    page.goto(f"{live_server.url}/communities/{community.slug}/settings/")
    page.locator("#canvas-link a").click()
    expect(page.locator("h1")).to_have_text("Community Canvas")
    expect(page.locator("#canvas-stage-note")).to_be_visible()
    expect(page.locator("#canvas-empty")).to_be_visible()
    screenshot("empty-canvas")

    # First save: the purpose.
    page.locator("#canvas-edit-link").click()
    page.get_by_label("Purpose").fill("We turn the roof of building C into a vegetable garden.")
    screenshot("edit-first")
    page.locator("#canvas-save").click()
    expect(page.locator(".alert-success")).to_contain_text("Version 1")
    expect(page.locator("#theme-purpose")).to_contain_text("vegetable garden")

    # Second save: the rituals, and more purpose.
    page.locator("#canvas-edit-link").click()
    page.get_by_label("Purpose").fill("We turn the roof of building C into a vegetable and herb garden.")
    page.get_by_label("Rituals").fill("- Harvest lunch every **Friday**\n- Seed swap in March")
    page.locator("#canvas-save").click()
    expect(page.locator(".alert-success")).to_contain_text("Version 2")
    expect(page.locator("#theme-rituals strong")).to_have_text("Friday")
    screenshot("canvas-after-two-saves")
    assert CanvasVersion.objects.filter(canvas_id=community.pk).count() == 2

    # History, the earlier version and the diff.
    page.get_by_role("link", name="Versions").click()
    expect(page.locator("#canvas-versions li")).to_have_count(2)
    screenshot("history")
    page.locator('[data-version="1"]').get_by_role("link", name="View").click()
    expect(page.locator("#canvas-version-note")).to_contain_text("earlier version")
    expect(page.locator("#theme-purpose")).to_contain_text("a vegetable garden")
    expect(page.locator("#theme-rituals")).to_contain_text("Not answered yet")
    screenshot("version-1")
    page.get_by_role("link", name="Compare with the current version").click()
    purpose = page.locator('[data-theme="purpose"] .canvas-diff-text')
    expect(purpose.locator("ins")).to_contain_text("and herb")
    expect(page.locator('[data-theme="rituals"] .canvas-diff-text ins')).to_contain_text("Harvest lunch")
    expect(page.locator('[data-theme="values"]')).to_have_attribute("data-changed", "0")
    screenshot("diff-1-2")

    # Line mode and the print view.
    page.locator("#diff-mode").select_option("line")
    page.get_by_role("button", name="Show changes").click()
    expect(page.locator('[data-theme="rituals"] .canvas-diff-line ins').first).to_contain_text("Harvest lunch")
    page.get_by_role("link", name="Print view").click()
    expect(page.locator("#canvas-print-version")).to_contain_text("Version 2 of")
    expect(page.locator(".canvas-print-theme")).to_have_count(16)
    screenshot("print")
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    screenshot("print-media")

    # The phone layout of the canvas.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/communities/{community.slug}/canvas/")
    page.emulate_media(media="screen")
    screenshot("phone")
    signed_in.context.close()
