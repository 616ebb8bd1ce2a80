"""Live updates in two real browsers: what one person does appears for the other without reloading.

Omar (context A) posts and comments; Mia (context B) has the community page, the home feed and the
post page open and sees the new post, the new comment and the counters arrive over the websocket.
The server is ``asgi_live_server`` (uvicorn: HTTP and websockets). Further live journeys (direct
messages) reuse ``two_users_logged_in`` and ``wait_live`` from ``tests/browser/conftest.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from communities.core.services import community_create, membership_invite
from communities.core.services import membership_accept_invitation as accept
from communities.models import Community, Post
from tests.browser.conftest import wait_live

pytestmark = pytest.mark.django_db(transaction=True)


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"journey-live-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_posts_comments_and_counters_appear_live(two_users_logged_in, asgi_live_server, screenshots_dir):
    a, b = two_users_logged_in
    omar, mia = a.user, b.user
    base = asgi_live_server.url
    night = community_create(
        actor=omar,
        name="Nachtschicht Zuffenhausen",
        description="Alles rund um die Nachtschicht.",
        visibility=Community.Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.INVITE,
    )
    membership_invite(actor=omar, community=night, user=mia)
    accept(actor=mia, community=night)
    community_url = f"{base}/communities/{night.slug}/"

    # Mia has the community page open; Omar posts there.
    b.page.goto(community_url)
    expect(b.page.locator("#post-stream-empty")).to_be_visible()
    wait_live(b.page, f"community.{night.pk}")
    a.page.goto(f"{community_url}posts/new/")
    a.page.locator("#id_title").fill("Schichtübergabe heute um 22 Uhr")
    a.page.locator("#id_body").fill("Bitte die **Checkliste** mitbringen.")
    a.page.locator("#post-form button[type=submit]").click()
    expect(a.page.get_by_role("heading", name="Schichtübergabe heute um 22 Uhr")).to_be_visible()

    # Her page offers the new post without reloading (the list was empty: "show" reloads it).
    bar = b.page.locator("#live-new-posts-show")
    expect(bar).to_have_text(re.compile(r"1 new post — show"))
    _shot(b.page, screenshots_dir, "1-community-new-post-bar")
    bar.click()
    expect(b.page.locator("#post-stream-list")).to_contain_text("Schichtübergabe heute um 22 Uhr")

    # With cards on the page, the next post is inserted at the top in place.
    wait_live(b.page, f"community.{night.pk}")
    b.page.evaluate("window.__sameDocument = true")
    a.page.goto(f"{community_url}posts/new/")
    a.page.locator("#id_title").fill("Parkplatz P3 gesperrt")
    a.page.locator("#id_body").fill("Ab morgen bitte P5 nutzen.")
    a.page.locator("#post-form button[type=submit]").click()
    expect(bar).to_have_text(re.compile(r"1 new post — show"))
    bar.click()
    expect(b.page.locator("#post-stream-list article").first).to_contain_text("Parkplatz P3 gesperrt")
    assert b.page.evaluate("window.__sameDocument") is True  # no reload happened
    expect(b.page.locator("#live-new-posts-show")).to_have_count(0)
    _shot(b.page, screenshots_dir, "2-community-inserted")

    # The home feed: the same, for the communities Mia belongs to.
    b.page.goto(f"{base}/")
    wait_live(b.page, "feed", f"community.{night.pk}")
    a.page.goto(f"{community_url}posts/new/")
    a.page.locator("#id_title").fill("Kantine nachts geöffnet")
    a.page.locator("#id_body").fill("Ab Montag bis 2 Uhr.")
    a.page.locator("#post-form button[type=submit]").click()
    expect(b.page.locator("#live-new-posts-show")).to_have_text(re.compile(r"1 new post — show"))
    b.page.locator("#live-new-posts-show").click()
    expect(b.page.locator("#feed-items article").first).to_contain_text("Kantine nachts geöffnet")
    expect(b.page.locator("#feed-items article").first).to_contain_text("Nachtschicht Zuffenhausen")
    _shot(b.page, screenshots_dir, "3-feed-inserted")

    # Mia reads the post; Omar comments and reacts; both appear on her open page.
    post = Post.objects.get(title="Kantine nachts geöffnet")
    b.page.goto(f"{base}/posts/{post.pk}/")
    wait_live(b.page, f"post.{post.pk}")
    expect(b.page.locator("#comments-title")).to_have_text("0 comments")
    a.page.goto(f"{base}/posts/{post.pk}/")
    a.page.locator("#comment-body").fill("Gibt es dann auch warmes Essen?")
    a.page.get_by_role("button", name="Comment", exact=True).click()
    expect(b.page.locator("#comment-list")).to_contain_text("Gibt es dann auch warmes Essen?")
    expect(b.page.locator("#comments-title")).to_have_text("1 comment")
    a.page.locator(f"#reactions-post-{post.pk} button[data-reaction=like]").click()
    expect(b.page.locator(f"#reactions-post-{post.pk} button[data-reaction=like] .reaction-count")).to_have_text("1")
    _shot(b.page, screenshots_dir, "4-post-live-comment")
