"""The community directory: search, filters, sorts, keyset pages, visibility, cards, query pins."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership
from tests.communities.core.views.helpers import make_community, make_user
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

URL = reverse("communities:community_list")
Visibility = Community.Visibility


def slugs(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-community="([^"]+)"', response.content.decode())


@pytest.fixture
def viewer(client):
    user = make_user(display_name="Viewer")
    client.force_login(user)
    return user


def test_directory_requires_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_search_uses_german_and_english_stemming_and_forgives_typos(client, viewer):
    owner = make_user()
    make_community(owner, name="Fahrrad", description="Zur Arbeit mit dem Rad.")
    make_community(owner, name="Lunch Club", description="We run at noon, then eat.")
    make_community(owner, name="Fahrradfreunde", description="Touren am Wochenende.")
    make_community(owner, name="Gardening", tags=["Pflanzen"])
    assert "fahrrad" in slugs(client.get(URL, {"q": "Fahrräder"}))  # German plural -> stem "fahrrad"
    assert slugs(client.get(URL, {"q": "running"})) == ["lunch-club"]  # English stem "run"
    assert "fahrradfreunde" in slugs(client.get(URL, {"q": "Fahradfreunde"}))  # a missing letter
    assert slugs(client.get(URL, {"q": "pflanzen"})) == ["gardening"]  # tags are searched
    assert slugs(client.get(URL, {"q": "Quantenphysik"})) == []


def test_search_results_follow_the_chosen_sort(client, viewer):
    owner = make_user()
    older = make_community(owner, name="Python Basics")
    newer = make_community(owner, name="Python Advanced")
    Community.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert slugs(client.get(URL, {"q": "python", "sort": "newest"})) == [newer.slug, older.slug]
    assert slugs(client.get(URL, {"q": "python", "sort": "name"})) == [newer.slug, older.slug]


def test_filters(client, viewer):
    sport, it = CategoryFactory.create(slug="sport"), CategoryFactory.create(slug="it")
    CommunityFactory.create(slug="lauf", category=sport, language="de")
    CommunityFactory.create(slug="code", category=it, language="en", is_official=True)
    private = CommunityFactory.create(slug="board", visibility=Visibility.PRIVATE, language="en")
    MembershipFactory.create(user=viewer, community=private)
    pending = CommunityFactory.create(slug="asked")
    MembershipFactory.create(user=viewer, community=pending, state=Membership.State.PENDING)
    assert slugs(client.get(URL, {"category": "sport"})) == ["lauf"]
    assert sorted(slugs(client.get(URL, {"language": "en"}))) == ["board", "code"]
    assert slugs(client.get(URL, {"official": "on"})) == ["code"]
    assert slugs(client.get(URL, {"mine": "on"})) == ["board"]  # active memberships only
    assert slugs(client.get(URL, {"visibility": "private"})) == ["board"]
    assert slugs(client.get(URL, {"category": "sport", "language": "en"})) == []
    # Unknown values filter nothing away instead of failing.
    assert len(slugs(client.get(URL, {"language": "xx", "sort": "bogus"}))) == 4


def test_sorts(client, viewer):
    now = timezone.now()
    a = CommunityFactory.create(name="Alpha", slug="a", member_count=5, last_activity_at=now - timedelta(days=1))
    b = CommunityFactory.create(name="Bravo", slug="b", member_count=50, last_activity_at=now - timedelta(days=9))
    c = CommunityFactory.create(name="Charlie", slug="c", member_count=1, last_activity_at=now)
    Community.objects.filter(pk=a.pk).update(created_at=now - timedelta(days=30))
    Community.objects.filter(pk=b.pk).update(created_at=now - timedelta(days=1))
    Community.objects.filter(pk=c.pk).update(created_at=now - timedelta(days=10))
    assert slugs(client.get(URL)) == ["c", "a", "b"]  # recent activity is the default
    assert slugs(client.get(URL, {"sort": "members"})) == ["b", "a", "c"]
    assert slugs(client.get(URL, {"sort": "newest"})) == ["b", "c", "a"]
    assert slugs(client.get(URL, {"sort": "name"})) == ["a", "b", "c"]


@pytest.mark.parametrize("sort", ["activity", "members", "newest", "name"])
def test_keyset_pages_walk_everything_once(client, viewer, sort):
    now = timezone.now()
    for i in range(53):
        # Ties on every sort key, so the id tiebreaker is exercised.
        CommunityFactory.create(name=f"Club {i % 5}", member_count=i % 3, last_activity_at=now - timedelta(hours=i % 4))
    seen: list[str] = []
    params: dict[str, str] = {"sort": sort, "q": ""}
    pages = 0
    while True:
        response = client.get(URL, params)
        seen += slugs(response)
        pages += 1
        match = re.search(r'id="communities-more">\s*<a href="([^"]+)"', response.content.decode())
        if not match:
            break
        query = parse_qs(urlparse(match.group(1).replace("&amp;", "&")).query)
        assert query["sort"] == [sort]
        params = {key: values[0] for key, values in query.items()}
    assert pages == 3
    assert len(seen) == 53 and len(set(seen)) == 53


def test_load_more_with_htmx_returns_only_the_cards(client, viewer):
    for _ in range(30):
        CommunityFactory.create()
    first = client.get(URL).content.decode()
    # The "show more" link (the header badges have hx-get URLs of their own).
    match = re.search(r'hx-get="([^"]+)" hx-target="#communities-more"', first)
    assert match is not None
    next_url = match.group(1).replace("&amp;", "&")
    partial = client.get(next_url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html and len(slugs(partial)) == 6


def test_a_foreign_cursor_is_a_friendly_400(client, viewer):
    CommunityFactory.create(slug="only")
    response = client.get(URL, {"cursor": "not-a-cursor"})
    assert response.status_code == 400 and "out of date or incomplete" in response.content.decode()


def test_secret_communities_only_for_members_and_coordinators(client, viewer):
    secret = CommunityFactory.create(slug="skunkworks", visibility=Visibility.SECRET, name="Skunkworks")
    CommunityFactory.create(slug="open")
    assert slugs(client.get(URL)) == ["open"]
    assert slugs(client.get(URL, {"q": "Skunkworks"})) == []
    assert slugs(client.get(URL, {"visibility": "secret"})) == []
    MembershipFactory.create(user=viewer, community=secret, state=Membership.State.PENDING)
    assert "skunkworks" not in slugs(client.get(URL))  # a request does not reveal it
    Membership.objects.filter(user=viewer).update(state=Membership.State.INVITED)
    assert "skunkworks" in slugs(client.get(URL))  # the invited person must find it
    client.force_login(make_user(is_staff=True))
    assert "skunkworks" in slugs(client.get(URL))


def test_archived_communities_only_for_their_members_and_coordinators(client, viewer):
    archived = CommunityFactory.create(slug="old", lifecycle="archived", archived_at=timezone.now())
    assert slugs(client.get(URL)) == []
    MembershipFactory.create(user=viewer, community=archived)
    html = client.get(URL).content.decode()
    assert slugs(client.get(URL)) == ["old"] and "Archived" in html
    client.force_login(make_user(is_staff=True))
    assert slugs(client.get(URL)) == ["old"]


def test_cards_show_counters_badges_and_the_viewers_state(client, viewer, settings):
    settings.LANGUAGE_CODE = "en"
    category = CategoryFactory.create(name="Sport")
    member = CommunityFactory.create(
        slug="mine", name="Mine", category=category, member_count=12, post_count=3, is_official=True
    )
    invited = CommunityFactory.create(slug="inv", visibility=Visibility.PRIVATE)
    pending = CommunityFactory.create(slug="pend", visibility=Visibility.SECRET)
    MembershipFactory.create(user=viewer, community=member)
    MembershipFactory.create(user=viewer, community=invited, state=Membership.State.INVITED)
    MembershipFactory.create(user=viewer, community=pending, state=Membership.State.ACTIVE)
    html = client.get(URL, headers={"Accept-Language": "en"}).content.decode()
    card = html[html.index('data-community="mine"') :][:3000]
    for text in ["12 members", "3 posts", "Sport", "German", "Official", "Public", "Member", "active now"]:
        assert text in card, text
    assert "Invited" in html[html.index('data-community="inv"') :][:2000]
    assert "Private" in html and "Secret" in html


def test_empty_state_and_create_button(client, viewer, settings):
    html = client.get(URL).content.decode()
    assert 'id="communities-empty"' in html
    assert reverse("communities:community_create") in html
    settings.COMMUNITY_CREATION_RESTRICTED = True
    html = client.get(URL).content.decode()
    assert reverse("communities:community_create") not in html


def test_directory_query_count_is_constant(client, viewer):
    mine = []

    def add_rows(n: int) -> None:
        for _ in range(n):
            community = CommunityFactory.create(category=CategoryFactory.create())
            MembershipFactory.create(user=viewer, community=community)
            mine.append(community)

    # user, role map (with coordinator permissions), the page, categories for the filter (the session
    # lives in the cache)
    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(URL), expected=4)
    # With a search term and every filter, still one query for the page.
    params = {"q": "Community", "mine": "on", "official": "", "language": "de", "sort": "members"}
    assert_constant_queries(add_rows=add_rows, action=lambda: client.get(URL, params), expected=4)
