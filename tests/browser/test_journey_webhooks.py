"""Webhooks in a real browser (issue 22, item 2): a community owner adds a webhook pointing at a
receiver on loopback, sends a test event and reads the delivery log with its response code.
Screens at 390, 1280 and 1920 px are saved and looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from communities.core import services as core_services
from integrations.webhooks.models import Subscription
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.integrations.webhooks.conftest import running_receiver

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000


def test_an_owner_adds_a_webhook_and_sends_a_test_event(browser, asgi_live_server, screenshots_dir):
    base = asgi_live_server.url
    anna = UserFactory.create(display_name="Anna Müller")
    garden = core_services.community_create(actor=anna, name="Solar Garden")
    with running_receiver() as receiver:
        page = sign_in(browser, base, anna).page
        page.goto(f"{base}/communities/{garden.slug}/settings/")
        page.locator("#webhooks-link a").click()
        page.get_by_role("link", name="Add webhook").click()
        page.get_by_label("Receiver URL").fill(receiver.url)
        page.get_by_label("Post created").check()
        page.get_by_label("Member joined").check()
        page.get_by_role("button", name="Save webhook").click()
        expect(page.locator(".alert-success")).to_contain_text("The webhook is set up", timeout=TIMEOUT)
        page.get_by_role("button", name="Send a test event").click()
        log = page.locator("#webhook-deliveries")
        expect(log).to_contain_text("webhook.test", timeout=TIMEOUT)
        expect(log).to_contain_text("200")
        subscription = Subscription.objects.get()
        assert [r.webhook_id for r in receiver.requests] == [subscription.deliveries.get().message_id]
        for width, height in ((1280, 900), (390, 844), (1920, 1080)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(screenshots_dir / f"journey-webhooks-{width}.png"), full_page=True)
        # Nothing overflows sideways on a phone.
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
