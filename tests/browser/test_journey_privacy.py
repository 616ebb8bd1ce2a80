"""Privacy pages in a real browser (issue 23, items 2 and 5).

Paula asks for her data on "Download my data", reloads, downloads the ZIP and finds her profile in
it. Stefan (staff) opens "What the platform records about people" from the user menu, opens one
record and prepares an export for Paula. Screenshots at phone, laptop and wide widths.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000
WIDTHS = {
    "390": {"width": 390, "height": 844},
    "1280": {"width": 1280, "height": 900},
    "1920": {"width": 1920, "height": 1080},
}


def _shots(page, screenshots_dir: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(screenshots_dir / f"journey-privacy-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1280"])


def test_a_person_downloads_their_data_and_staff_read_the_register(  # type: ignore[no-untyped-def]
    browser, asgi_live_server, screenshots_dir: Path, tmp_path: Path
) -> None:
    paula = UserFactory.create(display_name="Paula Privacy")
    stefan = UserFactory.create(display_name="Stefan Staff", is_staff=True)

    person = sign_in(browser, str(asgi_live_server), paula)
    page = person.page
    page.locator("#user-menu-button").click()
    page.locator("#user-menu-my-data").click()
    expect(page.locator("h1")).to_have_text("Download my data", timeout=TIMEOUT)
    expect(page.locator("#export-list-empty")).to_be_visible()
    page.locator("#export-request").click()
    expect(page.locator("#export-list")).to_be_visible(timeout=TIMEOUT)
    page.reload()
    link = page.get_by_role("link", name="Download ZIP")
    expect(link).to_be_visible(timeout=TIMEOUT)
    _shots(page, screenshots_dir, "my-data")
    with page.expect_download() as download_info:
        link.click()
    archive_path = tmp_path / "export.zip"
    download_info.value.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        assert json.loads(archive.read("profile.json"))["accounts.User"][0]["display_name"] == "Paula Privacy"
    person.context.close()

    staff = sign_in(browser, str(asgi_live_server), stefan)
    page = staff.page
    page.locator("#user-menu-button").click()
    page.locator("#user-menu-records").click()
    expect(page.locator("h1")).to_have_text("What the platform records about people", timeout=TIMEOUT)
    expect(page.locator('[data-switch="PRIVACY_PRESENCE"]')).to_contain_text("on")
    record = page.locator('[data-model="communities.Post"]')
    record.locator("summary").click()
    expect(record.locator("table")).to_contain_text("body_source")
    _shots(page, screenshots_dir, "records")

    page.get_by_role("link", name="Prepare a data export for someone").click()
    page.get_by_label("Person (e-mail address or handle)").fill(paula.email)
    page.locator("#staff-export-request").click()
    expect(page.locator("#export-list")).to_contain_text("Paula Privacy", timeout=TIMEOUT)
    _shots(page, screenshots_dir, "staff-exports")
    staff.context.close()
