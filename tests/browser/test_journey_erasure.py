"""Erasure requests in a real browser (issue 23, items 3 and 6).

Sam (staff) asks to erase Erika with a reason; Sam cannot approve his own request. Dana, a second
member of staff, reads it in German and approves it; the erasure runs and the page shows what was
erased, with no trace of Erika's name. An employee gets "not found". Screenshots at phone (390 px),
laptop (1280 px) and wide (1920 px).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from intranet.accounts.models import ErasureRequest, User
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000
WIDTHS = {"phone": 390, "laptop": 1280, "wide": 1920}


def _shots(page: Any, screenshots_dir: Path, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots_dir / f"journey-erasure-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_ask_a_colleague_approves_and_the_person_is_erased(  # type: ignore[no-untyped-def]
    browser, asgi_live_server, screenshots_dir: Path
) -> None:
    base = str(asgi_live_server)
    sam = UserFactory.create(display_name="Sam Staff", is_staff=True)
    dana = UserFactory.create(display_name="Dana Datenschutz", is_staff=True, language="de")
    erika = UserFactory.create(display_name="Erika Beispiel", handle="erika.beispiel")
    employee = UserFactory.create()

    first = sign_in(browser, base, sam)
    page = first.page
    page.goto(f"{base}/accounts/erasure/")
    expect(page.locator("h1")).to_have_text("Erasure requests", timeout=TIMEOUT)
    expect(page.locator("#erasure-empty")).to_be_visible()
    page.get_by_label("Person").fill("erika.beispiel")
    page.get_by_label("Reason").fill("Ticket DP-42: asked to be erased after leaving.")
    _shots(page, screenshots_dir, "open")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.locator("h1")).to_contain_text("Erika Beispiel", timeout=TIMEOUT)
    expect(page.locator("#erasure-waiting")).to_be_visible()
    expect(page.locator("#erasure-decision")).to_have_count(0)  # not for the one who asked
    _shots(page, screenshots_dir, "waiting")
    first.context.close()

    second = sign_in(browser, base, dana)  # her account language is German
    page = second.page
    page.goto(f"{base}/accounts/erasure/")
    expect(page.locator("h1")).to_have_text("Löschanträge", timeout=TIMEOUT)
    expect(page.locator("#erasure-list")).to_contain_text("Wartet auf Freigabe")
    _shots(page, screenshots_dir, "list-de")
    page.locator("#erasure-list a").first.click()
    expect(page.locator("#erasure-decision")).to_be_visible(timeout=TIMEOUT)
    _shots(page, screenshots_dir, "decide-de")
    page.get_by_role("button", name="Freigeben und löschen").click()
    expect(page.locator("h1")).to_contain_text(f"Person #{erika.pk}", timeout=TIMEOUT)
    expect(page.locator("main")).to_contain_text("Gelöscht")
    expect(page.locator("#erasure-summary")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Erika")
    _shots(page, screenshots_dir, "done-de")
    second.context.close()

    assert not User.objects.filter(pk=erika.pk).exists()
    assert ErasureRequest.objects.get().state == ErasureRequest.State.DONE

    other = sign_in(browser, base, employee)
    response = other.page.goto(f"{base}/accounts/erasure/")
    assert response is not None and response.status == 404
    other.context.close()
