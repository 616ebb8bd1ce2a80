"""A coordinator defines a career level in the product, in German (issue 18, item 11): names in both
languages, a required certificate and two rights chosen from the explained list; a form error
first, then the level in the list, at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from intranet.core.models import AuditEntry
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.training.factories import ProgrammeFactory
from training.models import Level

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page: Page, screenshots_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"journey-levels-{name}.png"), full_page=True)


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_coordinator_creates_a_level_with_two_rights_and_a_requirement_in_german(browser, live_server, screenshots_dir):
    base = live_server.url
    programme = ProgrammeFactory.create(title="Grundlagen Community-Management", published=True)
    coordinator = UserFactory.create(
        is_staff=True, display_name="Cora Koordinatorin", email="cora@corp.example", language="de"
    )
    page = sign_in(browser, base, coordinator).page

    page.goto(f"{base}/training/manage/")
    page.get_by_role("link", name="Karrierestufen").click()
    expect(page.locator("h1")).to_have_text("Karrierestufen")
    expect(page.locator("#no-levels")).to_be_visible()
    page.locator("#level-create").click()
    expect(page.locator("h1")).to_have_text("Neue Stufe")
    # Each right is offered with its explanation, in German; nobody types a code.
    rights = page.locator("#level-rights")
    expect(rights).to_contain_text("Offizielle Communities anlegen")
    expect(rights).to_contain_text("Die Plattform gewährt das selbst")
    expect(rights).to_contain_text("Eine Anerkennung")

    # Only the German name: the form says what is missing, in German, and keeps the input.
    page.get_by_label("Name (Deutsch)").fill("Erfahrene Community-Managerin")
    page.get_by_label("Rang").fill("2")
    page.get_by_role("button", name="Stufe speichern").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_name_en_error")).to_contain_text("Dieses Feld ist erforderlich")
    expect(page.get_by_label("Name (Deutsch)")).to_have_value("Erfahrene Community-Managerin")
    _shot(page, screenshots_dir, "form-error-1280")

    page.get_by_label("Name (Englisch)").fill("Senior community manager")
    page.get_by_label("Beschreibung (Deutsch)").fill("Leitet Communities, die das ganze Unternehmen betreffen.")
    page.get_by_label("Beschreibung (Englisch)").fill("Runs communities that matter to the whole company.")
    page.get_by_label("Grundlagen Community-Management").check()
    page.get_by_label("Offizielle Communities anlegen").check()
    page.get_by_label("Andere Community-Manager begleiten (Mentoring)").check()
    _shot(page, screenshots_dir, "form-filled-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page)
    _shot(page, screenshots_dir, "form-filled-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Stufe speichern").click()

    expect(page.locator(".alert-success, [role=status]").first).to_contain_text(
        "Die Stufe „Erfahrene Community-Managerin“ wurde gespeichert."
    )
    card = page.locator("#manage-level-list article").first
    expect(card).to_contain_text("2. Erfahrene Community-Managerin")
    expect(card).to_contain_text("Zertifikat „Grundlagen Community-Management“")
    expect(card.locator("[data-right]")).to_have_count(2)
    expect(card).to_contain_text("Offizielle Communities anlegen")
    _fits(page)
    _shot(page, screenshots_dir, "list-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _fits(page)
    _shot(page, screenshots_dir, "list-390")

    level = Level.objects.get()
    assert (level.name_de, level.name_en) == ("Erfahrene Community-Managerin", "Senior community manager")
    assert level.rank == 2
    assert level.right_codes == ["create_official_communities", "mentor_others"]
    assert list(level.required_programmes.all()) == [programme]
    entry = AuditEntry.objects.get(action="training.level_created")
    assert entry.actor_id == coordinator.pk and entry.after is not None
    assert entry.after["rights"] == ["create_official_communities", "mentor_others"]

    # Learners see the level on the levels page in their language.
    page.goto(f"{base}/training/levels/")
    expect(page.locator("#level-list")).to_contain_text("Erfahrene Community-Managerin")
