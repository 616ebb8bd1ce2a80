from __future__ import annotations

import io

from wagtail.models import Locale, Page, Site

from intranet.cms import demo
from intranet.cms.models import ContentHomePage, GuidePage, NewsPage


def test_seed_builds_tree_and_is_idempotent(db):
    out = io.StringIO()

    demo.seed(stdout=out)
    demo.seed(stdout=out)

    home = ContentHomePage.objects.get()
    assert NewsPage.objects.live().descendant_of(home).count() == len(demo.NEWS)
    assert GuidePage.objects.live().descendant_of(home).count() == len(demo.GUIDES)
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk
    # Wagtail's placeholder welcome page is gone; the root holds only our content home.
    assert [p.pk for p in Page.get_first_root_node().get_children()] == [home.pk]
    assert "7 pages created" in out.getvalue()
    assert "0 pages created" in out.getvalue()


def test_seeded_news_include_german_and_english(db):
    demo.seed(stdout=io.StringIO())

    titles = set(NewsPage.objects.values_list("title", flat=True))
    assert "Willkommen im neuen Intranet" in titles
    assert "Protect your account with two-factor sign-in" in titles


def test_page_tree_is_rebuilt_on_a_flushed_database(db):
    # Transactional tests flush every table, including the rows Wagtail's migrations created.
    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()

    tree = demo.ensure_page_tree()

    assert Page.get_first_root_node() is not None
    assert Site.objects.get(is_default_site=True).root_page_id == tree.home.pk
    assert tree.news_index.url == "/pages/news/"
