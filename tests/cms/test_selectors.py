from __future__ import annotations

import datetime as dt

from django.utils import timezone
from wagtail.models import PageViewRestriction

from intranet.cms.selectors import news_list_for_home, section_pages_for_home
from tests.cms.pages import add_news
from tests.support.queries import assert_constant_queries, pin_queries


def test_news_list_for_home_returns_latest_live_news_first(page_tree):
    today = timezone.localdate()
    old = add_news(page_tree.news_index, title="Old", date=today - dt.timedelta(days=10))
    new = add_news(page_tree.news_index, title="New", date=today)
    middle = add_news(page_tree.news_index, title="Middle", date=today - dt.timedelta(days=3))
    add_news(page_tree.news_index, title="Draft", date=today, live=False)

    assert news_list_for_home(limit=5) == [new, middle, old]
    assert news_list_for_home(limit=2) == [new, middle]


def test_news_list_for_home_breaks_date_ties_by_newest_page(page_tree):
    first = add_news(page_tree.news_index, title="First")
    second = add_news(page_tree.news_index, title="Second")

    assert news_list_for_home(limit=5) == [second, first]


def test_news_list_for_home_leaves_out_restricted_pages(page_tree):
    visible = add_news(page_tree.news_index, title="For everyone")
    secret = add_news(page_tree.news_index, title="Board only")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")

    assert news_list_for_home(limit=5) == [visible]

    # A restriction on an ancestor hides every page below it.
    PageViewRestriction.objects.create(page=page_tree.news_index, restriction_type=PageViewRestriction.LOGIN)
    assert news_list_for_home(limit=5) == []


def test_news_list_for_home_is_one_query_whatever_the_number_of_news(page_tree):
    assert_constant_queries(
        add_rows=lambda n: [add_news(page_tree.news_index) for _ in range(n)],
        action=lambda: news_list_for_home(limit=5),
        small=1,
        large=8,
        expected=1,
    )


def test_section_pages_for_home_finds_both_indexes_in_one_query(page_tree):
    section_pages_for_home()  # warm the content-type cache
    with pin_queries(1):
        sections = section_pages_for_home()
    assert sections["news"].pk == page_tree.news_index.pk
    assert sections["guides"].pk == page_tree.guide_index.pk


def test_section_pages_for_home_skips_unpublished_indexes(page_tree):
    page_tree.guide_index.unpublish()

    assert set(section_pages_for_home()) == {"news"}
