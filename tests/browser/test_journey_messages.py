"""Direct messages in a real browser: write from a profile, pick people, send with Enter, find it again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from intranet.accounts.models import User
from intranet.messaging.models import Conversation, Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_page(browser: Browser, base_url: str, user: User) -> Page:
    """A new browser context signed in as ``user`` (session cookie from the test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context.new_page()


def _shot(page: Page, screenshots_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"journey-messages-{name}.png"), full_page=True)


def test_write_from_profile_pick_people_send_and_search(browser: Any, live_server: Any, screenshots_dir: Path):
    lena = UserFactory.create(display_name="Lena Weber", handle="lena.weber")
    jurgen = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    UserFactory.create(display_name="Mira Haas", handle="mira.haas")
    page = signed_in_page(browser, live_server.url, lena)

    # The "Message" button on a profile opens the start page with that person picked.
    page.goto(f"{live_server.url}/people/juergen.gross/")
    page.locator("#message-button").click()
    expect(page.get_by_role("heading", name="New message")).to_be_visible()
    expect(page.locator(".recipient-chip")).to_have_count(1)

    # The picker finds colleagues by name; picking adds a chip, its close button removes it again.
    page.locator("#recipient-search").fill("Mira")
    option = page.get_by_role("option", name=re.compile("Mira Haas"))
    expect(option).to_be_visible()
    page.locator("#recipient-search").press("Enter")
    expect(page.locator(".recipient-chip")).to_have_count(2)
    _shot(page, screenshots_dir, "1-start")
    page.get_by_role("button", name="Remove Mira Haas").click()
    expect(page.locator(".recipient-chip")).to_have_count(1)

    page.locator("#start-body").fill("Hallo Jürgen, hast du **morgen** Zeit für die Projektbesprechung?")
    page.locator("#start-form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Jürgen Groß")).to_be_visible()
    expect(page.locator("#message-list strong", has_text="morgen")).to_be_visible()

    # Enter sends without a page load (htmx), and the field is emptied.
    page.locator("#compose-body").fill("Oder lieber am Freitag?")
    page.locator("#compose-body").press("Enter")
    expect(page.locator("#message-list .message")).to_have_count(2)
    expect(page.locator("#compose-body")).to_have_value("")
    # The next message from the same open page is a new submission: the answer renewed the form's key.
    first_key = page.locator("#compose-key").input_value()
    page.locator("#compose-body").fill("Oder Montag?")
    page.locator("#compose-body").press("Enter")
    expect(page.locator("#message-list .message")).to_have_count(3)
    assert page.locator("#compose-key").input_value() != first_key
    _shot(page, screenshots_dir, "2-conversation")

    # The inbox lists it; search within my conversations finds a part of a compound word.
    page.goto(f"{live_server.url}/messages/")
    expect(page.locator(".conversation-row")).to_have_count(1)
    expect(page.locator(".conversation-row")).to_contain_text("You: Oder Montag?")
    page.locator("#message-search-q").fill("besprechung")
    page.locator("#message-search button[type=submit]").click()
    expect(page.locator("#search-results li")).to_have_count(1)
    _shot(page, screenshots_dir, "3-search")

    conversation = Conversation.objects.get()
    assert conversation.kind == Conversation.Kind.DIRECT
    assert Message.objects.filter(conversation=conversation).count() == 3

    # Jürgen sees the unread badge in the header and the unread mark in his inbox.
    page.context.close()
    other = signed_in_page(browser, live_server.url, jurgen)
    other.goto(f"{live_server.url}/messages/")
    expect(other.locator("#messages-badge .badge")).to_have_text(re.compile(r"^3"))
    expect(other.locator(".conversation-unread")).to_have_count(1)
    _shot(other, screenshots_dir, "4-inbox-unread")
    other.locator(".conversation-row a").click()
    expect(other.locator("#message-list .message")).to_have_count(3)
    expect(other.locator("#messages-badge .badge")).to_have_count(0)
    other.context.close()


def test_direct_message_arrives_live_with_typing_and_presence(two_users_logged_in, asgi_live_server, screenshots_dir):
    """Omar (A) writes to Mia (B), who has the conversation open: she sees him online, sees him
    typing, and his message appears without a reload; with only her inbox open, the header badge
    and the inbox update live."""
    from tests.browser.conftest import wait_live

    a, b = two_users_logged_in
    omar, mia = a.user, b.user
    base = asgi_live_server.url
    # Omar starts the conversation from the start page (services called in this thread could not
    # publish: Playwright runs an event loop here).
    a.page.goto(f"{base}/messages/new/?to={mia.handle}")
    a.page.locator("#start-body").fill("Hallo Mia!")
    a.page.locator("#start-form button[type=submit]").click()
    expect(a.page.get_by_role("heading", name="Mia Keller")).to_be_visible()
    conversation = Conversation.objects.get()
    topic = f"conversation.{conversation.pk}"

    b.page.goto(f"{base}{conversation.get_absolute_url()}")
    wait_live(b.page, topic)
    b.page.evaluate("window.__sameDocument = true")
    a.page.reload()
    wait_live(a.page, topic)

    # Presence: Mia sees Omar come online in the conversation.
    expect(b.page.locator(f'[data-presence-user="{omar.pk}"] .presence-dot')).to_have_class(re.compile("is-online"))
    expect(b.page.locator(f'[data-presence-user="{omar.pk}"] .presence-label')).to_have_text("online")

    # Typing: Omar types, Mia is told.
    a.page.locator("#compose-body").press_sequentially("Hast du kurz Zeit?", delay=20)
    expect(b.page.locator("#typing-indicator")).to_have_text("Omar Haddad is typing…")
    _shot(b.page, screenshots_dir, "live-1-typing")

    # The message: sent with Enter by Omar, it appears on Mia's open page without reloading.
    a.page.locator("#compose-body").press("Enter")
    expect(b.page.locator("#message-list")).to_contain_text("Hast du kurz Zeit?")
    expect(b.page.locator("#message-list .message")).to_have_count(2)
    expect(b.page.locator("#typing-indicator")).to_have_text("")
    assert b.page.evaluate("window.__sameDocument") is True
    # Read on arrival: her badge stays empty; his own page shows the message once.
    expect(b.page.locator("#messages-badge .badge")).to_have_count(0)
    expect(a.page.locator("#message-list .message")).to_have_count(2)
    _shot(b.page, screenshots_dir, "live-2-message-arrived")

    # Mia leaves the conversation page for her inbox; Omar goes offline there and writes again.
    b.page.goto(f"{base}/messages/")
    wait_live(b.page)
    expect(b.page.locator("#messages-badge .badge")).to_have_count(0)
    a.page.locator("#compose-body").fill("Ich rufe dich gleich an.")
    a.page.locator("#compose-body").press("Enter")
    expect(b.page.locator("#messages-badge .badge")).to_have_text(re.compile(r"^1"))
    expect(b.page.locator(".conversation-row")).to_contain_text("Ich rufe dich gleich an.")
    expect(b.page.locator(".conversation-unread")).to_have_count(1)
    _shot(b.page, screenshots_dir, "live-3-inbox-badge")
