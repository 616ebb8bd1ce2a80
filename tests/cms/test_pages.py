from __future__ import annotations

from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from intranet.cms.models import GuidePage
from tests.cms.pages import add_guide, add_news
from tests.support.cursors import CURSORS


def test_news_page_renders_in_base_layout(client, user, page_tree):
    news = add_news(page_tree.news_index, title="Kantine wieder offen", intro="Ab Montag gibt es wieder Essen.")
    client.force_login(user)

    response = client.get(news.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<main id="main"' in html
    assert "Kantine wieder offen" in html
    assert "Ab Montag gibt es wieder Essen." in html
    assert "<h2>Details</h2>" in html
    assert "<p>Body text.</p>" in html
    assert f'datetime="{timezone.localdate():%Y-%m-%d}"' in html


def test_cms_pages_are_served_below_pages_prefix(page_tree):
    news = add_news(page_tree.news_index, title="Prefix check")

    assert news.url.startswith("/pages/news/")
    assert page_tree.guide_index.url == "/pages/guides/"


def test_news_index_lists_news_and_pages_by_cursor(client, user, page_tree, settings):
    from intranet.cms import models

    settings.DEBUG = False
    items = [add_news(page_tree.news_index, title=f"Meldung {i}") for i in range(models.NEWS_PAGE_SIZE + 2)]
    client.force_login(user)

    first = client.get(page_tree.news_index.url)
    assert first.status_code == 200
    page = first.context["news_page"]
    assert len(page.items) == models.NEWS_PAGE_SIZE
    assert page.items[0] == items[-1]
    assert page.has_next

    second = client.get(page_tree.news_index.url, {"after": page.next_cursor})
    assert [p.pk for p in second.context["news_page"].items] == [items[1].pk, items[0].pk]

    # A broken cursor is the kernel's friendly 400, like on every other list.
    broken = client.get(page_tree.news_index.url, {"after": "not-a-cursor"})
    assert broken.status_code == 400
    assert "out of date or incomplete" in broken.content.decode()


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(cursor=CURSORS)
def test_news_index_survives_any_cursor(client, user, page_tree, cursor):
    """The news index is a Wagtail page, not a URL pattern: fuzzed here, with the same cursors as
    every list page (tests/support/cursors.py)."""
    client.force_login(user)
    assert client.get(page_tree.news_index.url, {"after": cursor}).status_code in (200, 400)


def test_news_index_shows_empty_state(client, user, page_tree):
    client.force_login(user)

    response = client.get(page_tree.news_index.url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "No news has been published yet." in response.content.decode()


def test_guide_index_groups_guides_by_category_and_guide_renders(client, user, page_tree):
    add_guide(page_tree.guide_index, title="Moderation basics", category=GuidePage.Category.MODERATION)
    guide = add_guide(page_tree.guide_index, title="Your first week", category=GuidePage.Category.GETTING_STARTED)
    client.force_login(user)

    index = client.get(page_tree.guide_index.url, HTTP_ACCEPT_LANGUAGE="en")
    assert index.status_code == 200
    groups = index.context["guide_groups"]
    assert [(label, [g.title for g in guides]) for label, guides in groups] == [
        ("Getting started", ["Your first week"]),
        ("Moderation", ["Moderation basics"]),
    ]

    detail = client.get(guide.url, HTTP_ACCEPT_LANGUAGE="en")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Your first week" in html
    assert "Getting started" in html
    assert "<p>Step one.</p>" in html


def test_content_home_lists_sections(client, user, page_tree):
    client.force_login(user)

    response = client.get(page_tree.home.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/pages/news/"' in html
    assert 'href="/pages/guides/"' in html


def test_cms_pages_require_sign_in(client, page_tree):
    news = add_news(page_tree.news_index)

    for url in (news.url, page_tree.news_index.url, page_tree.guide_index.url, page_tree.home.url):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_staff_see_edit_link_others_do_not(client, user, staff_user, page_tree):
    news = add_news(page_tree.news_index)
    edit_url = f"/cms/pages/{news.pk}/edit/"

    client.force_login(user)
    assert edit_url not in client.get(news.url).content.decode()

    client.force_login(staff_user)
    assert edit_url in client.get(news.url).content.decode()


def test_wagtail_editor_opens_news_and_guide_forms(client, page_tree):
    from tests.factories import UserFactory

    news = add_news(page_tree.news_index)
    guide = add_guide(page_tree.guide_index, title="Editing guide")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for page in (news, guide, page_tree.news_index):
        response = client.get(f"/cms/pages/{page.pk}/edit/")
        assert response.status_code == 200, page
    add_form = client.get(f"/cms/pages/add/cms/newspage/{page_tree.news_index.pk}/")
    assert add_form.status_code == 200
