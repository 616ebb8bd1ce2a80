"""The coordinator console in a real browser.

Carla coordinates all communities. She opens the console, filters the community list to dormant
communities, opens one, reads why it is dormant, hands it over to the suggested most active member,
and exports the filtered list as CSV (a real download whose rows are checked).
Health rows are written directly so the journey does not depend on the nightly job's timing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from communities.models import Community, CommunityDayFigures, CommunityHealth, HandoverRecord, Membership
from tests.browser.conftest import sign_in
from tests.communities.factories import CommunityFactory, MembershipFactory, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000
Role = Membership.Role


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"journey-console-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _community(name: str, state: str, score: int, *, members: list, owner, days: int | None = None) -> Community:  # type: ignore[no-untyped-def]
    community = CommunityFactory.create(name=name)
    MembershipFactory.create(community=community, user=owner, role=Role.OWNER)
    for person in members:
        MembershipFactory.create(community=community, user=person)
    Community.objects.filter(pk=community.pk).update(member_count=len(members) + 1)
    explanation = (
        [{"code": "dormant", "params": {"days": days}}]
        if state == "dormant"
        else [{"code": "thriving", "params": {"score": score}}]
    )
    CommunityHealth.objects.create(
        community=community, state=state, score=score, size_class="small", explanation=explanation, trend=[1] * 12
    )
    today = timezone.localdate()
    CommunityDayFigures.objects.bulk_create(
        [
            CommunityDayFigures(
                community=community,
                day=today - dt.timedelta(days=d),
                members=len(members) + 1,
                active_30d=1 if state == "dormant" else len(members),
                posts=0 if state == "dormant" else 3,
                comments=0 if state == "dormant" else 5,
                reactions=0 if state == "dormant" else 4,
            )
            for d in range(0, 60, 3)
        ]
    )
    community.refresh_from_db()
    return community


def test_coordinator_finds_dormant_community_hands_it_over_and_exports(browser, asgi_live_server, screenshots_dir):
    base = asgi_live_server.url
    carla = UserFactory.create(display_name="Carla Coordinator", is_staff=True)
    owner = UserFactory.create(display_name="Otto Owner")
    lena = UserFactory.create(display_name="Lena Lively")
    quiet = UserFactory.create(display_name="Quentin Quiet")
    chess = _community("Old Chess Club", "dormant", 8, members=[lena, quiet], owner=owner, days=120)
    _community("Aquarium Friends", "dormant", 12, members=[quiet], owner=UserFactory.create(), days=95)
    _community("Cycling to Work", "thriving", 88, members=[lena, quiet], owner=UserFactory.create())
    write_post(lena, chess, title="Anyone up for a blitz tournament?")
    CommunityHealth.objects.filter(community=chess).update(state="dormant")

    carla_in = sign_in(browser, base, carla)
    page = carla_in.page

    # The overview: states, charts, coverage.
    page.goto(f"{base}/console/")
    expect(page.locator("h1")).to_contain_text("Coordinator console", timeout=TIMEOUT)
    expect(page.locator("#stat-dormant")).to_have_text("2")
    page.wait_for_function("document.querySelectorAll('canvas[data-chart-drawn]').length === 3", timeout=TIMEOUT)
    _shot(page, screenshots_dir, "1-overview")

    # The list, filtered to dormant communities.
    page.locator("nav[aria-label='Coordinator console']").get_by_role("link", name="Communities").click()
    page.locator("#filter-state").select_option("dormant")
    page.locator("#console-filters button[type=submit]").click()
    rows = page.locator("#console-communities tbody tr")
    expect(rows).to_have_count(2, timeout=TIMEOUT)
    expect(page.locator("#console-communities")).not_to_contain_text("Cycling to Work")
    _shot(page, screenshots_dir, "2-dormant-list")

    # One community: why it is dormant, and who could take over.
    page.get_by_role("link", name="Old Chess Club").click()
    expect(page.locator("#health-explanation")).to_contain_text("No post, comment or reaction for 120 days.")
    first_choice = page.locator("#handover-form input[name=to_user]").first
    expect(first_choice).to_have_value(str(lena.pk))
    expect(page.locator("#handover-form")).to_contain_text("Lena Lively")
    _shot(page, screenshots_dir, "3-community")
    first_choice.check()
    page.locator("#handover-replace").check()
    page.locator("#handover-reason").fill("Otto moved to another plant")
    page.locator("#handover-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Lena Lively is now an owner of Old Chess Club.", timeout=TIMEOUT)
    expect(page.locator("#handovers-title")).to_be_visible()
    _shot(page, screenshots_dir, "4-handed-over")
    assert Membership.objects.get(community=chess, user=lena).role == Role.OWNER
    assert Membership.objects.get(community=chess, user=owner).role == Role.MANAGER
    assert HandoverRecord.objects.get(community=chess).reason == "Otto moved to another plant"

    # The managers' portfolio now lists Lena with the community she took over.
    page.goto(f"{base}/console/managers/")
    lena_row = page.locator("#console-portfolio tbody tr", has_text="Lena Lively")
    expect(lena_row).to_contain_text("Old Chess Club", timeout=TIMEOUT)
    _shot(page, screenshots_dir, "5-portfolio")

    # Export the dormant list as CSV.
    page.goto(f"{base}/console/communities/?state=dormant&sort=-members")
    with page.expect_download() as info:
        page.locator("#console-export").click()
    download = info.value
    assert download.suggested_filename.startswith("communities-") and download.suggested_filename.endswith(".csv")
    target = screenshots_dir / "journey-console-export.csv"
    download.save_as(str(target))
    with target.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert [(r["name"], r["state"], r["members"]) for r in exported] == [
        ("Old Chess Club", "dormant", "3"),
        ("Aquarium Friends", "dormant", "2"),
    ]

    # The same list on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(rows).to_have_count(2, timeout=TIMEOUT)
    _shot(page, screenshots_dir, "6-dormant-list-phone")
    page.goto(f"{base}/console/")
    _shot(page, screenshots_dir, "7-overview-phone")
    carla_in.context.close()
