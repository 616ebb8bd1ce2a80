"""The layout at every width a person uses: nothing overflows, the header's badges and user menu stay
on screen (issue 18, items 1-3).

One person wears every badge: unread notifications and messages, open inbox items as a manager,
staff (so the menu holds the coordinator console and the CMS), and a long name. They visit the main
pages at phone, laptop and wide widths in German (the longer labels); one test per width loops over
the pages. The header alone is also checked at 320 and 2560 px, in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from communities.core import services as community_services
from communities.core.notify import NEW_POST
from communities.inbox.hooks import open_item
from communities.models import Community, InboxItem, Membership, Post
from communities.posts import services as post_services
from intranet.messaging import services as messaging
from intranet.notifications.models import Notification
from tests.browser.conftest import sign_in
from tests.communities.factories import MembershipFactory, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000
HEIGHT = 800

# What stays visible in the header at every width: the unread counts and the user menu's toggle.
HEADER_PARTS = {
    "user menu": "#user-menu-button",
    "messages badge": "#messages-badge .badge",
    "notifications badge": "#notification-bell .notification-count",
    "inbox badge": "#inbox-header-count",
}

OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const name = (el, box) =>
        `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join(".")} right=${Math.round(box.right)}`;
    const wide = [];
    for (const el of document.querySelectorAll("body *")) {
        const box = el.getBoundingClientRect();
        if (box.width && box.right > width + 0.5 && getComputedStyle(el).position !== "fixed") {
            wide.push(name(el, box));
        }
    }
    // Nothing sticks out of the page's container either (a button beside its form, a badge beside
    // its card), unless it sits in a box that scrolls or clips on purpose (wide tables).
    const container = document.querySelector("main > .container-xl").getBoundingClientRect();
    const outside = [];
    for (const el of document.querySelectorAll("main > .container-xl *")) {
        const box = el.getBoundingClientRect();
        if (!box.width || box.right <= container.right + 0.5) continue;
        let parent = el.parentElement;
        let clipped = false;
        while (parent && parent.tagName !== "MAIN") {
            if (getComputedStyle(parent).overflowX !== "visible") { clipped = true; break; }
            parent = parent.parentElement;
        }
        if (!clipped) outside.push(name(el, box));
    }
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: width,
        wide: wide.slice(0, 8),
        outside: outside.slice(0, 8),
        containerRight: Math.round(container.right),
    };
}"""

# "Show more communities" spans the grid instead of sitting in one cell of it.
MORE_JS = """() => {
    const more = document.querySelector("#communities-more");
    const grid = document.querySelector("#community-results");
    return more && grid ? more.getBoundingClientRect().width / grid.getBoundingClientRect().width : null;
}"""


@dataclass
class World:
    me: Any
    colleague: Any
    community: Community
    post: Post


def _world() -> World:
    """A person with every badge, a community with pinned posts, a long post with comments."""
    me = UserFactory.create(
        email="leonie.mueller@corp.example",
        display_name="Leonie Müller-Lüdenscheidt",
        handle="leonie.mueller",
        is_staff=True,
    )
    colleague = UserFactory.create(display_name="Bartholomäus Oberhuber-Wiesenthal", handle="bartholomaeus")
    others = [UserFactory.create(display_name=f"Kollegin Nummer {i}") for i in range(3)]

    garden = community_services.community_create(
        actor=colleague,
        name="Gemeinschaftsgarten am Werkstor Süd und Freunde der Permakultur",
        description="Wir gärtnern gemeinsam in der Mittagspause. " * 4,
    )
    MembershipFactory.create(user=me, community=garden, role=Membership.Role.MANAGER)
    for person in others:
        MembershipFactory.create(user=person, community=garden)
    for n in range(12):
        more = community_services.community_create(actor=colleague, name=f"Arbeitskreis Nachhaltigkeit {n}")
        MembershipFactory.create(user=me, community=more)
    for n in range(14):  # more than one page of the directory: "show more" appears
        community_services.community_create(actor=colleague, name=f"Lauftreff Standort {n}")

    pinned = [
        write_post(colleague, garden, title=f"Angeheftet: Gießplan und Schlüsselübergabe für Woche {n}")
        for n in range(3)
    ]
    for post in pinned:
        post_services.post_pin(actor=colleague, post=post)
    post = write_post(
        colleague,
        garden,
        title="Welche Tomatensorten haben sich bei euch im Hochbeet bewährt?",
        body="Wir planen die Beete für das nächste Jahr. " * 30,
    )
    for i, person in enumerate(others):
        post_services.comment_create(actor=person, post=post, body=f"Bei uns klappt Sorte {i} sehr gut. " * 3)
    for i, person in enumerate(others):
        question = write_post(person, garden, kind=Post.Kind.QUESTION, title=f"Offene Frage Nummer {i}?")
        open_item(
            community=garden,
            kind=InboxItem.Kind.UNANSWERED_QUESTION,
            key=f"post:{question.pk}",
            post=question,
            summary=question.title,
        )

    # Unread messages in three conversations, and more than 99 unread notifications.
    for person in [colleague, *others]:
        messaging.conversation_start(actor=person, recipients=[me], body="Hast du kurz Zeit?")
    Notification.objects.bulk_create(
        Notification(
            recipient=me,
            kind=NEW_POST,
            event_key=f"layout:{i}",
            url=f"/posts/{post.pk}/",
            params={"actor": colleague.display_name, "title": post.title, "community": garden.name},
            delivery="in_app",
            created_at=timezone.now(),
        )
        for i in range(120)
    )
    return World(me=me, colleague=colleague, community=garden, post=post)


def _pages(world: World) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("communities", "/communities/"),
        ("community", f"/communities/{world.community.slug}/"),
        ("post", f"/posts/{world.post.pk}/"),
        ("people", "/people/?q=Kollegin"),
        ("profile", f"/people/{world.colleague.handle}/"),
        ("inbox", "/inbox/"),
        ("notifications", "/notifications/"),
        ("messages", "/messages/"),
        ("search", "/search/?q=Garten"),
        ("training", "/training/"),
        ("meetups", "/meetups/"),
        ("console", "/console/"),
    ]


def _wait_for_badges(page: Page) -> None:
    """The counts arrive by htmx after the page: wait until each is in the document."""
    for selector in HEADER_PARTS.values():
        page.locator(selector).wait_for(state="attached", timeout=TIMEOUT)


def _problems(page: Page, where: str) -> list[str]:
    """Everything wrong with the page at this width, as readable lines (empty when all is well)."""
    problems = []
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] > found["innerWidth"]:
        wide = found["wide"]
        problems.append(f"{where}: {found['scrollWidth']} px wide in a {found['innerWidth']} px window: {wide}")
    if found["outside"]:
        problems.append(f"{where}: sticks out of the page (right edge {found['containerRight']}): {found['outside']}")
    width = page.viewport_size["width"]  # type: ignore[index]
    for name, selector in HEADER_PARTS.items():
        part = page.locator(selector)
        box = part.bounding_box()
        if box is None or not part.is_visible():
            problems.append(f"{where}: the {name} is not shown")
        elif box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > width or box["y"] + box["height"] > HEIGHT:
            problems.append(f"{where}: the {name} is outside the window: {box}")
    return problems


def _signed_in(browser: Any, base: str, world: World, language: str) -> Any:
    """Signed in through the (English) form, then browsing in ``language``."""
    signed_in = sign_in(browser, base, world.me)
    signed_in.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return signed_in


def _inside(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]  # type: ignore[index]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


def _open_user_menu(page: Page, shot: Path | None = None) -> None:
    """The menu opens with profile, console, CMS and sign-out, all inside the window."""
    page.locator("#user-menu-button").click()
    expect(page.locator("#user-menu")).to_be_visible(timeout=TIMEOUT)
    for selector in ("a[href='/people/leonie.mueller/']", "a[href='/console/']", "a[href='/cms/']"):
        expect(page.locator(f"#user-menu {selector}")).to_be_visible()
        _inside(page, f"#user-menu {selector}")
    expect(page.locator("#user-menu form[action='/accounts/logout/'] button")).to_be_visible()
    _inside(page, "#user-menu form[action='/accounts/logout/'] button")
    if shot is not None:
        page.screenshot(path=str(shot))
    page.keyboard.press("Escape")
    expect(page.locator("#user-menu")).to_be_hidden()


@pytest.mark.parametrize("width", [390, 1024, 1280, 1440, 1920])
def test_main_pages_fit_the_width_with_every_badge(width, browser, live_server, screenshots_dir):
    world = _world()
    signed_in = _signed_in(browser, live_server.url, world, "de")
    page = signed_in.page
    page.set_viewport_size({"width": width, "height": HEIGHT})
    problems: list[str] = []
    try:
        for name, path in _pages(world):
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            _wait_for_badges(page)
            problems += _problems(page, f"{name} at {width}")
            if name == "communities":
                share = page.evaluate(MORE_JS)
                assert share is not None and share > 0.95, f"'show more' takes {share} of the grid's width"
            page.screenshot(path=str(screenshots_dir / f"layout-{width}-{name}.png"), full_page=True)
        _open_user_menu(page)
    finally:
        signed_in.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [320, 2560])
@pytest.mark.parametrize("language", ["de", "en"])
def test_header_fits_the_narrowest_and_widest_windows(width, language, browser, live_server, screenshots_dir: Path):
    world = _world()
    signed_in = _signed_in(browser, live_server.url, world, language)
    page = signed_in.page
    page.set_viewport_size({"width": width, "height": HEIGHT})
    try:
        page.goto(f"{live_server.url}/")
        _wait_for_badges(page)
        problems = _problems(page, f"home at {width}")
        page.screenshot(path=str(screenshots_dir / f"layout-header-{width}-{language}.png"))
        _open_user_menu(page, screenshots_dir / f"layout-header-{width}-{language}-menu.png")
        if width < 992:
            # The collapsed navigation opens under the counts and its search field fits.
            page.locator(".navbar-toggler").click()
            page.locator("#site-nav.show").wait_for(timeout=TIMEOUT)  # the opening animation is over
            expect(page.locator("#header-search-q")).to_be_visible(timeout=TIMEOUT)
            _inside(page, "#header-search-q")
            page.screenshot(path=str(screenshots_dir / f"layout-header-{width}-{language}-open.png"))
    finally:
        signed_in.context.close()
    assert not problems, "\n".join(problems)
