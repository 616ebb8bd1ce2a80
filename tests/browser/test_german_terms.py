"""German words in a real browser (issue 18, item 20): the community page is about the community,
the Report button says "Melden", and a moderation notice gives its reason in German.

Mia and Omar keep German as their language (``User.language``); they sign in through the English
login page and the platform speaks German to them from then on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from communities.core.services import community_create
from communities.models import Community
from communities.moderation.services import post_hide
from tests.browser.conftest import sign_in
from tests.communities.factories import MembershipFactory, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"german-terms-{name}.png"), full_page=True)


def test_german_community_report_button_and_moderation_reason(browser, live_server, screenshots_dir):
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", language="de")
    mia = UserFactory.create(email="mia.keller@corp.example", display_name="Mia Keller", language="de")
    garden = community_create(
        actor=omar,
        name="Solarfreunde",
        description="Wir teilen Erfahrungen mit Solaranlagen.",
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
    )
    MembershipFactory.create(user=mia, community=garden)
    post = write_post(omar, garden, title="Balkonkraftwerk anmelden", body="Wie geht das?")
    mia_in = sign_in(browser, live_server.url, mia)
    page = mia_in.page
    try:
        page.goto(f"{live_server.url}/communities/{garden.slug}/")
        expect(page.locator("#about-title")).to_have_text("Über die Community", timeout=TIMEOUT)
        expect(page.locator("main")).not_to_contain_text("Zur Person")
        _shot(page, screenshots_dir, "community-1280")

        page.goto(f"{live_server.url}{post.get_absolute_url()}")
        expect(page.locator("#post-report")).to_have_text("Melden", timeout=TIMEOUT)
        _shot(page, screenshots_dir, "post-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        expect(page.locator("#post-report")).to_have_text("Melden", timeout=TIMEOUT)
        _shot(page, screenshots_dir, "post-390")

        # Omar, the owner, hides a post of Mia's with a reason: the notice reaches her in German.
        page.set_viewport_size({"width": 1280, "height": 900})
        own = write_post(mia, garden, title="Werbung für meinen Laden", body="Kauft bei mir!")
        post_hide(actor=omar, post=own, reason="Werbung ist hier nicht erlaubt")
        page.goto(f"{live_server.url}/notifications/")
        expect(page.locator("main")).to_contain_text(
            "Die Moderation hat Ihren Beitrag „Werbung für meinen Laden“ ausgeblendet. "
            "Begründung: Werbung ist hier nicht erlaubt",
            timeout=TIMEOUT,
        )
        expect(page.locator("main")).not_to_contain_text("Reason")
        _shot(page, screenshots_dir, "notification-1280")
    finally:
        mia_in.context.close()
