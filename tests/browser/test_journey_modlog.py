"""The moderation log in a real browser (issue 18, item 13): a manager reads what happened as
sentences with names and links, in German and English, and opens the raw record behind "Details".
Screens at 1280 and 390 px are saved and looked at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from communities.core import services as core_services
from communities.models import Membership
from communities.moderation import services as mod
from tests.browser.conftest import sign_in
from tests.communities.factories import write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"journey-modlog-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_manager_reads_the_log_as_sentences(browser, asgi_live_server, screenshots_dir):
    base = asgi_live_server.url
    anna = UserFactory.create(display_name="Anna Müller", language="de")
    ben = UserFactory.create(display_name="Ben Berger")
    kochen = core_services.community_create(actor=anna, name="Kochen")
    core_services.membership_join(actor=ben, community=kochen)
    post = write_post(ben, kochen, title="Billige Uhren")
    mod.post_hide(actor=anna, post=post, reason="Spam")
    core_services.membership_ban(actor=anna, community=kochen, user=UserFactory.create(display_name="Carl Chaos"))
    assert Membership.objects.filter(community=kochen, user=ben).exists()

    signed_in = sign_in(browser, base, anna)
    signed_in.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": base}])
    page = signed_in.page
    page.goto(f"{base}/communities/{kochen.slug}/moderation/log/")
    sentences = page.locator(".log-sentence")
    expect(sentences.first).to_contain_text("Anna Müller hat Carl Chaos in Kochen gesperrt", timeout=TIMEOUT)
    expect(sentences.nth(1)).to_contain_text(
        "Anna Müller hat den Beitrag „Billige Uhren“ von Ben Berger in Kochen ausgeblendet: „Spam“"
    )
    expect(sentences.nth(1).get_by_role("link", name="„Billige Uhren“")).to_have_attribute(
        "href", post.get_absolute_url()
    )
    assert all("post.hidden" not in text and "membership." not in text for text in sentences.all_inner_texts())
    details = page.locator(".log-details").nth(1)
    code = details.locator("code", has_text="post.hidden")
    expect(code).to_be_hidden()  # the machine-readable record only behind the toggle
    details.locator("summary").click()
    expect(code).to_be_visible()
    _shot(page, screenshots_dir, "1-german-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, screenshots_dir, "2-german-390")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    english = sign_in(browser, base, UserFactory.create(is_staff=True), locale="en-GB").page
    english.goto(f"{base}/moderation/log/")
    expect(english.locator(".log-sentence").nth(1)).to_contain_text(
        "Anna Müller hid the post “Billige Uhren” by Ben Berger in Kochen: “Spam”", timeout=TIMEOUT
    )
    _shot(english, screenshots_dir, "3-english-1280")
