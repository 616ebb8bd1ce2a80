"""The home feed and the search page in a real browser: the feed appends older posts through HTMX
and filters by kind; the header's search box leads to the search page with counts per type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from communities.models import Community, Post
from tests.communities.factories import CommunityFactory
from tests.communities.posts.feed.helpers import follow, make_post, member_of
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _shot(page: Page, screenshots_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"feed-search-{name}.png"), full_page=True)


def test_feed_older_posts_kind_filter_and_site_search(english_page, live_server, screenshots_dir):
    me = UserFactory.create(email="mia.klein@corp.example", display_name="Mia Klein", handle="mia.klein")
    colleague = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    follow(me, colleague)
    mine = member_of(me)
    mine.name = "E-Mobility Network"
    mine.save()
    elsewhere = CommunityFactory.create(name="Battery Research")
    hidden = CommunityFactory.create(name="Board Room", visibility=Community.Visibility.PRIVATE)
    for i in range(22):
        make_post(mine, colleague if i % 3 else None, title=f"Charging station update {i}", tags=["charging"])
    make_post(elsewhere, colleague, kind=Post.Kind.QUESTION, title="Which charging cable do you use?")
    make_post(hidden, colleague, title="Secret charging budget")
    page = english_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(me.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()

    feed = page.locator("#feed-items article[data-post]")
    expect(feed).to_have_count(20)
    expect(page.get_by_text("Secret charging budget")).to_have_count(0)
    expect(page.get_by_role("heading", name="Latest news")).to_be_visible()
    _shot(page, screenshots_dir, "1-feed")

    page.get_by_role("link", name="Older posts").click()
    expect(feed).to_have_count(23)  # appended in place, no reload
    expect(page.get_by_role("link", name="Older posts")).to_have_count(0)
    assert page.url.rstrip("/") == live_server.url

    page.locator("#feed-filters").get_by_role("link", name="Questions").click()
    expect(feed).to_have_count(1)
    expect(page.get_by_role("link", name="Which charging cable do you use?")).to_be_visible()
    _shot(page, screenshots_dir, "2-feed-questions")

    search = page.locator("header").get_by_role("searchbox")
    search.fill("charging")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=charging"))
    tabs = page.locator("#search-tabs")
    expect(tabs.locator('[data-type="posts"] .badge')).to_have_text("23")
    expect(page.locator("#search-results article[data-post]")).to_have_count(20)
    expect(page.get_by_text("Secret charging budget")).to_have_count(0)
    _shot(page, screenshots_dir, "3-search-posts")

    page.locator("#search-q").fill("Jurgen Gross")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(tabs.locator('[data-type="people"]')).to_have_attribute("aria-current", "page")
    expect(page.locator("#search-results").get_by_role("link", name="Jürgen Groß")).to_be_visible()
    _shot(page, screenshots_dir, "4-search-people")
