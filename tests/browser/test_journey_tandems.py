"""Inspiration tandems in two real browsers.

Omar runs "Solar Garden", Mia runs "Grüne Dächer"; both are tagged #solar and #energy and describe
photovoltaic roofs, so the nightly suggestions pair them.
1. Omar opens the tandem ideas of his community, sees Mia's community with the reasons, and takes
   the suggestion (proposing counts as his side's acceptance).
2. Mia opens the tandem from her notification and accepts for her side: the tandem is accepted.
3. Omar logs their first meeting with notes, then writes and shares the learnings.
4. The managers' network lists both; the tandem page also works at 390 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from intranet.notifications.models import Notification
from meetups.models import Organisation, PartnerCommunity, Tandem
from meetups.tandems.services import tandem_suggestions_refresh
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import make_community

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"journey-tandems-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_tandem_suggested_accepted_by_both_and_meeting_logged(browser, asgi_live_server, screenshots_dir):
    base = asgi_live_server.url
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    mia = UserFactory.create(email="mia.keller@corp.example", display_name="Mia Keller", handle="mia.keller")
    make_community(
        "Solar Garden",
        owner=omar,
        tags=("solar", "energy"),
        description="Photovoltaic panels on the roofs of our plants, and what they save.",
        members=120,
    )
    make_community(
        "Grüne Dächer",
        owner=mia,
        tags=("solar", "energy", "climate"),
        description="Photovoltaic roofs and green roofs at our sites.",
        members=180,
    )
    make_community("Choir", tags=("music",), description="We sing.")
    tandem_suggestions_refresh()

    a = sign_in(browser, base, omar)
    b = sign_in(browser, base, mia)
    try:
        # 1. Omar takes the suggestion ----------------------------------------------------------
        a.page.goto(f"{base}/meetups/tandems/")
        a.page.get_by_role("link", name="Solar Garden").click()
        card = a.page.locator("[data-suggestion]").first
        expect(card).to_contain_text("Grüne Dächer", timeout=TIMEOUT)
        expect(card).to_contain_text("both tagged #energy and #solar")
        expect(card).to_contain_text("both 50–300 members")  # noqa: RUF001 - en dash in a number range
        expect(card).to_contain_text("both German")
        _shot(a.page, screenshots_dir, "1-suggestions")
        card.get_by_role("button", name="Propose tandem").click()
        expect(a.page.locator("#tandem-acceptance")).to_contain_text("waiting for a manager to accept", timeout=TIMEOUT)
        tandem = Tandem.objects.get()
        assert tandem.state == Tandem.State.PROPOSED and tandem.accepted_a_at is not None

        # 2. Mia accepts for her side -----------------------------------------------------------
        assert Notification.objects.filter(recipient=mia, kind="tandem.proposed").exists()
        b.page.goto(f"{base}/notifications/")
        b.page.get_by_text("proposed a tandem of Solar Garden and Grüne Dächer").first.click()
        expect(b.page.locator("#tandem-accept")).to_contain_text("Accept for Grüne Dächer", timeout=TIMEOUT)
        _shot(b.page, screenshots_dir, "2-proposal-for-mia")
        b.page.locator("#tandem-accept").click()
        expect(b.page.locator("[data-state=active]").first).to_be_visible(timeout=TIMEOUT)
        tandem.refresh_from_db()
        assert tandem.state == Tandem.State.ACTIVE

        # 3. Omar logs a meeting and shares the learnings ---------------------------------------
        a.page.reload()
        form = a.page.locator("#meeting-form")
        form.get_by_label("Notes").fill("Visited the roof in Wolfsburg. **Next:** compare yields.")
        form.get_by_role("button", name="Log meeting").click()
        expect(a.page.locator("#tandem-meetings")).to_contain_text("Visited the roof in Wolfsburg", timeout=TIMEOUT)
        learnings = a.page.locator("#learnings-form")
        learnings.get_by_label("Learnings").fill("- Clean panels twice a year\n- Share yield dashboards")
        learnings.get_by_role("button", name="Save and share with both communities").click()
        expect(a.page.locator("#tandem-learnings")).to_contain_text("Clean panels twice a year", timeout=TIMEOUT)
        _shot(a.page, screenshots_dir, "3-meeting-and-learnings")
        tandem.refresh_from_db()
        assert tandem.meeting_count == 1 and tandem.learnings_shared_at is not None

        # 4. The network, and the tandem page on a phone ----------------------------------------
        a.page.goto(f"{base}/meetups/network/")
        expect(a.page.locator("[data-manager='mia.keller']")).to_contain_text("Grüne Dächer", timeout=TIMEOUT)
        _shot(a.page, screenshots_dir, "4-network")
        b.page.set_viewport_size({"width": 390, "height": 844})
        b.page.goto(f"{base}{tandem.get_absolute_url()}")
        expect(b.page.locator("#tandem-meetings")).to_contain_text("Wolfsburg", timeout=TIMEOUT)
        _shot(b.page, screenshots_dir, "5-tandem-390px")
        b.page.goto(f"{base}/meetups/network/")
        expect(b.page.locator("[data-manager='omar.haddad']")).to_contain_text("Solar Garden", timeout=TIMEOUT)
        _shot(b.page, screenshots_dir, "6-network-390px")
    finally:
        a.context.close()
        b.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_partner_community_chosen_by_name(browser, live_server, screenshots_dir, width: int):
    """Omar enters a tandem with a partner organisation's community by typing part of its name
    (without the umlaut) and picking it from the accessible listbox."""
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    home = make_community("Solar Garden", owner=omar, tags=("solar",), description="Panels on roofs.")
    org = Organisation.objects.create(name="Stadtwerke Süd", kind=Organisation.Kind.EXTERNAL)
    gruen = PartnerCommunity.objects.create(organisation=org, name="Grüne Dächer", contact_name="Kim Kontakt")
    PartnerCommunity.objects.create(organisation=org, name="Radverkehr", contact_name="Kim Kontakt")
    signed = sign_in(browser, live_server.url, omar)
    page = signed.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/meetups/tandems/for/{home.slug}/")
    field = page.get_by_role("combobox", name="Partner community")
    field.click()
    field.press_sequentially("grune", delay=30)
    option = page.locator('[role="listbox"] [role="option"]', has_text="Grüne Dächer")
    expect(option).to_be_visible(timeout=TIMEOUT)
    expect(page.locator('[role="listbox"]')).not_to_contain_text("Radverkehr")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, screenshots_dir, f"partner-listbox-{width}")
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("Grüne Dächer (Stadtwerke Süd)")
    page.get_by_role("button", name="Enter tandem").click()
    expect(page.locator("body")).to_contain_text("The tandem with the partner community was entered.", timeout=TIMEOUT)
    _shot(page, screenshots_dir, f"partner-entered-{width}")
    assert Tandem.objects.get().partner_id == gruen.pk
    signed.context.close()
