"""The error pages and the certificate check in a real browser (issue 18, items 17 and 18): a muted
member opening the composer, a missing page, and a verifier without an account, at 390 and 1280 px.
Every page fits its width and offers a way on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from communities.core import services as community_services
from communities.models import Community, Membership
from communities.moderation import services as moderation
from tests.communities.factories import add_person
from tests.factories import PASSWORD, UserFactory
from tests.training.factories import ProgrammeFactory
from training.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"page is {width}px wide"


def _sign_in(page: Any, base: str, user: Any) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Communities")


def test_muted_member_and_missing_page(page: Any, live_server: Any, screenshot: Any) -> None:
    owner = UserFactory.create(display_name="Olga Owner")
    community = community_services.community_create(
        actor=owner, name="Gardening", visibility=Community.Visibility.PUBLIC
    )
    member = add_person(community, Membership.Role.MEMBER, display_name="Max Muted", language="de")
    moderation.member_mute(
        actor=owner,
        community=community,
        user=member,
        until=timezone.now() + dt.timedelta(days=2),
        reason="Wiederholt persönliche Angriffe in Kommentaren",
    )
    _sign_in(page, live_server.url, member)  # the browser speaks German (browser_context_args)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(live_server.url + reverse("communities:post_create", args=[community.slug]))
        assert response is not None and response.status == 403
        expect(page.locator("#error-page h1")).to_have_text("Sie sind in dieser Community stummgeschaltet")
        expect(page.locator("#error-reason")).to_contain_text("Wiederholt persönliche Angriffe")
        expect(page.locator("header.site-header")).to_be_visible()
        _fits(page)
        screenshot(f"muted-403-{width}")

        response = page.goto(live_server.url + "/communities/gibt-es-nicht/")
        assert response is not None and response.status == 404
        expect(page.locator("#error-page h1")).to_have_text("Seite nicht gefunden")
        _fits(page)
        screenshot(f"not-found-404-{width}")
    page.get_by_role("link", name="Communities ansehen").click()
    expect(page).to_have_url(live_server.url + reverse("communities:community_list"))


def test_verifier_without_an_account(page: Any, live_server: Any, screenshot: Any) -> None:
    holder = UserFactory.create(display_name="Jürgen Öztürk")
    cert = Certificate.objects.create(
        user=holder, programme=ProgrammeFactory.create(title="Community management basics"), code="AB3DEFGH2JK7"
    )
    code_field, submit = page.locator("#id_code"), page.locator("#certificate-lookup button[type=submit]")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + reverse("training:certificate_lookup"))
        code_field.fill("zz9z zzzz zzzz")
        submit.click()
        expect(page.locator("#id_code_error")).to_contain_text("Es gibt kein gültiges Zertifikat mit diesem Code")
        expect(code_field).to_have_attribute("aria-invalid", "true")
        _fits(page)
        screenshot(f"lookup-unknown-{width}")
        code_field.fill("ab3d efgh 2jk7")
        submit.click()
        expect(page).to_have_url(live_server.url + reverse("training:certificate_verify", args=[cert.code]))
        expect(page.locator("#certificate")).to_have_attribute("data-status", "valid")
        expect(page.locator("#cert-holder")).to_have_text("Jürgen Öztürk")
        _fits(page)
        screenshot(f"verified-anonymous-{width}")
