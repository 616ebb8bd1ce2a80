from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from intranet.cms.demo import PageTree, ensure_page_tree
from tests.cms.pages import add_news
from tests.support.queries import assert_constant_queries


@pytest.fixture
def page_tree(db) -> PageTree:
    return ensure_page_tree()


def test_home_requires_sign_in(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_home_welcomes_the_viewer_by_first_name(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(display_name="Anna Schmidt"))

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Welcome, Anna!" in html
    assert 'id="personal-feed"' in html  # room for the personal feed


def test_home_shows_latest_news_newest_first(client, user, page_tree):
    today = timezone.localdate()
    add_news(page_tree.news_index, title="Older item", date=today - dt.timedelta(days=4))
    add_news(page_tree.news_index, title="Fresh item", date=today)
    add_news(page_tree.news_index, title="Unpublished item", live=False)
    client.force_login(user)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Fresh item") < html.index("Older item")
    assert "Unpublished item" not in html
    assert 'href="/pages/news/"' in html  # "All news"
    assert 'href="/pages/guides/"' in html  # quick link to the guides
    assert "No news yet" not in html


def test_home_shows_at_most_five_news(client, user, page_tree):
    for i in range(7):
        add_news(page_tree.news_index, title=f"Item number {i}")
    client.force_login(user)

    response = client.get("/")

    assert len(response.context["news"]) == 5


def test_home_shows_empty_state_without_news(client, user, db):
    client.force_login(user)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert "No news yet" in html
    assert "All news" not in html


def test_home_query_count_does_not_grow_with_news(client, user, page_tree):
    client.force_login(user)

    assert_constant_queries(
        add_rows=lambda n: [add_news(page_tree.news_index) for _ in range(n)],
        action=lambda: client.get("/"),
        small=1,
        large=6,
        # user, section pages, news (one query), Wagtail's site lookup for page URLs, and the feed:
        # role map, community permissions, the feed's id query (no posts: nothing to hydrate); the
        # session comes from the cache (cached_db backend)
        expected=6,
    )
