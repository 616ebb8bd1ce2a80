"""Nothing leaves the platform unasked (issue 18, item 19): the main pages and the CMS make no request
to any host but the platform's own.

The browser context ignores the Content Security Policy (``bypass_csp``), so an image, script,
font or ``fetch`` aimed at another host really is attempted instead of being blocked silently by
the policy; every such request is recorded and aborted, websockets to other hosts too, and the DOM
is searched for foreign resource URLs that were not (yet) loaded (lazy images, prefetch hints).
Wagtail's gravatar avatars and its release check are the known offenders (settings/base.py).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images.models import Image
from wagtail.models import Collection

from communities.core import services as community_services
from communities.models import Community
from intranet.cms.demo import ensure_page_tree
from tests.cms.pages import add_news
from tests.communities.factories import write_post
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FOREIGN_IN_DOM = """(origin) => {
  const urls = [];
  for (const el of document.querySelectorAll("[src], [srcset], link[href], [poster], [data-src]")) {
    for (const value of [el.getAttribute("src"), el.getAttribute("poster"), el.getAttribute("data-src"),
                         ...(el.getAttribute("srcset") || "").split(",").map((part) => part.trim().split(" ")[0])]) {
      if (value) urls.push(value);
    }
    const navigational = /^(canonical|alternate|help|license)$/i;
    if (el.tagName === "LINK" && !navigational.test(el.rel)) urls.push(el.getAttribute("href"));
  }
  return urls
    .map((value) => { try { return new URL(value, document.baseURI); } catch { return null; } })
    .filter((url) => url && /^(https?|wss?):$/.test(url.protocol) && url.origin !== origin)
    .map((url) => url.href);
}"""


def _png() -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (30, 110, 160)).save(buffer, format="PNG")
    return ImageFile(buffer, name="harbour.png")


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """The default context, without the CSP (so foreign loads are attempted and seen), in English."""
    return {**browser_context_args, "bypass_csp": True, "locale": "en-GB"}


def test_main_pages_and_the_cms_call_no_other_host(page: Any, context: Any, live_server: Any, screenshot: Any) -> None:
    base = live_server.url
    origin = urlsplit(base)
    page_tree = ensure_page_tree()
    if Collection.get_first_root_node() is None:  # an earlier transactional test flushed the migrations' root
        Collection.add_root(name="Root")
    news = add_news(page_tree.news_index, title="Kantine wieder offen")
    Image.objects.create(title="Harbour", file=_png())
    admin = UserFactory.create(
        is_staff=True, is_superuser=True, display_name="Ada Admin", email="ada.admin@corp.example", handle="ada.admin"
    )
    community = community_services.community_create(
        actor=admin, name="Harbour Walks", visibility=Community.Visibility.PUBLIC
    )
    post = write_post(admin, community, title="Route for Friday", body="Meet at the **pier**.")

    foreign: list[str] = []

    def guard(route: Any) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and (url.hostname, url.port) != (origin.hostname, origin.port):
            foreign.append(f"{route.request.resource_type} {route.request.url}")
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page.on(
        "websocket",
        lambda ws: foreign.append(f"websocket {ws.url}") if urlsplit(ws.url).hostname != origin.hostname else None,
    )
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Communities")

    pages = [
        ("home", reverse("home")),
        ("communities", reverse("communities:community_list")),
        ("community", reverse("communities:community_detail", args=[community.slug])),
        ("post", reverse("communities:post_detail", args=[post.pk])),
        ("people", reverse("accounts:people_list")),
        ("profile", reverse("accounts:profile_detail", args=[admin.handle])),
        ("inbox", reverse("communities:inbox")),
        ("training", reverse("training:index")),
        ("meetups", reverse("meetups:meetup_list")),
        ("console", reverse("communities:console_overview")),
        ("search", reverse("search:results") + "?q=pier"),
        ("certificate lookup", reverse("training:certificate_lookup")),
        ("not found", "/no/such/page/"),
        ("cms dashboard", "/cms/"),
        ("cms page editor", f"/cms/pages/{news.pk}/edit/"),
        ("cms images", "/cms/images/"),
        ("cms account", "/cms/account/"),
        ("news page", news.url),
    ]
    in_dom: list[str] = []
    for name, path in pages:
        response = page.goto(base + path)
        expected = 404 if name == "not found" else 200
        assert response is not None and response.status == expected, (name, response and response.status)
        page.wait_for_load_state("networkidle")
        in_dom += [f"{name}: {url}" for url in page.evaluate(FOREIGN_IN_DOM, f"{origin.scheme}://{origin.netloc}")]
    # The dashboard is where Wagtail would show its release check and gravatar: look at it.
    page.goto(f"{base}/cms/")
    page.wait_for_load_state("networkidle")
    screenshot("cms-dashboard")
    assert foreign == [], "requests to other hosts:\n" + "\n".join(foreign)
    assert in_dom == [], "foreign resource URLs in the pages:\n" + "\n".join(in_dom)
