"""Merging two communities from the console in a real browser (issue 18, item 14).

Carla coordinates all communities. On the console page of the dormant "Schachclub Nord" she types
part of a name into the merge search (an accessible combobox: the keyboard picks), lands on a
summary of what moves, is stopped until she confirms, merges, and finds the archived source
pointing to the target. Screens at 1280 and 390 px are saved and looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from communities.models import Community, Membership, MergeRecord, Post
from communities.posts.services.comments import comment_create
from intranet.core.models import AuditEntry
from tests.browser.conftest import sign_in
from tests.communities.factories import CommunityFactory, MembershipFactory, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000
Role = Membership.Role


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"journey-merge-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _community(name: str, *, owner, members: int = 0) -> Community:  # type: ignore[no-untyped-def]
    community = CommunityFactory.create(name=name)
    MembershipFactory.create(community=community, user=owner, role=Role.OWNER)
    for _ in range(members):
        MembershipFactory.create(community=community)
    Community.objects.filter(pk=community.pk).update(member_count=members + 1)
    community.refresh_from_db()
    return community


def test_coordinator_searches_confirms_and_merges(browser, asgi_live_server, screenshots_dir):
    base = asgi_live_server.url
    carla = UserFactory.create(display_name="Carla Coordinator", is_staff=True)
    otto = UserFactory.create(display_name="Otto Owner")
    source = _community("Schachclub Nord", owner=otto, members=2)
    target = _community("Schach & Denksport", owner=UserFactory.create(), members=1)
    for i in range(22):  # more, larger communities than the old list of 20 offered
        _community(f"Großer Kreis {i}", owner=UserFactory.create(), members=4)
    post = write_post(otto, source, title="Blitzturnier am Freitag?")
    comment_create(actor=otto, post=post, body="Ich bringe Uhren mit.")

    page = sign_in(browser, base, carla).page
    page.goto(f"{base}/console/communities/{source.pk}/")
    search = page.locator("#merge-q")
    expect(search).to_be_visible(timeout=TIMEOUT)
    expect(search).to_have_value("")  # nothing preselected
    search.press_sequentially("denksport", delay=30)
    options = page.locator("#merge-target-box [role=option][data-handle]")
    expect(options).to_have_count(1, timeout=TIMEOUT)
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_contain_text("Schach & Denksport")
    expect(options.first).to_have_attribute("aria-selected", "true")
    _shot(page, screenshots_dir, "1-search-1280")

    # Enter picks the highlighted community and opens the summary: nothing has moved yet.
    search.press("Enter")
    summary = page.locator("#merge-summary")
    expect(summary).to_contain_text("Schach & Denksport", timeout=TIMEOUT)
    expect(page.locator("#merge-count-members")).to_have_text("3")
    expect(page.locator("#merge-count-posts")).to_have_text("1")
    expect(page.locator("#merge-count-comments")).to_have_text("1")
    assert not MergeRecord.objects.exists()
    _shot(page, screenshots_dir, "2-summary-1280")

    # Without the confirmation nothing happens.
    page.locator("#merge-submit").click()
    expect(page.locator("#merge-confirm-error")).to_be_visible(timeout=TIMEOUT)
    assert not MergeRecord.objects.exists()
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, screenshots_dir, "3-confirm-needed-390")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("#id_reason").fill("Gleiches Thema, mehr Leben")
    page.locator("#merge-confirm").check()
    page.locator("#merge-submit").click()
    expect(page.locator("body")).to_contain_text("Schachclub Nord was merged into Schach & Denksport.", timeout=TIMEOUT)
    assert MergeRecord.objects.get().target_id == target.pk
    assert AuditEntry.objects.filter(action="community.merged").count() == 1
    assert Post.objects.get(pk=post.pk).community_id == target.pk

    # The archived source says where its content went, and links there.
    page.goto(f"{base}/communities/{source.slug}/")
    banner = page.locator("#merged-banner")
    expect(banner).to_contain_text("Schach & Denksport", timeout=TIMEOUT)
    _shot(page, screenshots_dir, "4-banner-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, screenshots_dir, "5-banner-390")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    banner.get_by_role("link", name="Schach & Denksport").click()
    expect(page).to_have_url(f"{base}/communities/{target.slug}/", timeout=TIMEOUT)
    expect(page.locator("body")).to_contain_text("Blitzturnier am Freitag?")
