"""Community health in a real browser.

Olga owns a community with a few weeks of activity. The nightly job has run (here: the real job,
called directly for the last days). She opens the health page, sees the state, the explanation,
the suggestions, the 12-week chart drawn by Chart.js and the 30-day table with small groups
masked, then follows the link to "What is measured". A plain member gets "not found".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from communities.core import services
from communities.health.figures import figures_compute_day
from communities.health.score import health_compute
from communities.models import Post
from communities.posts import services as post_services
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000


def test_owner_reads_the_health_of_her_community(browser, asgi_live_server, screenshots_dir: Path) -> None:  # type: ignore[no-untyped-def]
    owner = UserFactory.create(display_name="Olga Owner")
    members = [UserFactory.create() for _ in range(3)]
    today = timezone.localdate()
    start = timezone.now() - dt.timedelta(days=40)
    with time_machine.travel(start, tick=False):
        community = services.community_create(actor=owner, name="Urban Gardening")
        for person in members:
            services.membership_join(actor=person, community=community)
    for week in range(5):
        with time_machine.travel(start + dt.timedelta(days=7 * week + 1), tick=False):
            post = post_services.post_create(
                actor=members[week % 3], community=community, kind=Post.Kind.QUESTION, title=f"Seeds {week}", body="?"
            )
            if week < 4:
                post_services.comment_create(actor=owner, post=post, body="Try tomatoes.")
    for back in range(35, 0, -1):
        figures_compute_day(today - dt.timedelta(days=back))
    health_compute(today - dt.timedelta(days=1))

    olga = sign_in(browser, str(asgi_live_server), owner)
    page = olga.page
    page.goto(f"{asgi_live_server}/communities/{community.slug}/health/")
    expect(page.locator("h1")).to_contain_text("Health of Urban Gardening", timeout=TIMEOUT)
    expect(page.locator("#health-state-badge")).to_be_visible()
    expect(page.locator("#health-explanation li").first).to_be_visible()
    expect(page.locator('[data-suggestion="unanswered"]')).to_contain_text("1 question unanswered")
    expect(page.locator("canvas[data-chart-drawn='1']")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#health-days")).to_contain_text("< 5")
    page.screenshot(path=str(screenshots_dir / "journey-health-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshots_dir / "journey-health-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="What is measured").click()
    expect(page.locator("h1")).to_contain_text("What is measured about Urban Gardening", timeout=TIMEOUT)
    expect(page.locator("#measures-managers")).to_contain_text("Olga Owner")
    page.screenshot(path=str(screenshots_dir / "journey-health-measures.png"), full_page=True)
    olga.context.close()

    member = sign_in(browser, str(asgi_live_server), members[0])
    response = member.page.goto(f"{asgi_live_server}/communities/{community.slug}/health/")
    assert response is not None and response.status == 404
    member.context.close()
