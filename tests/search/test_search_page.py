from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from communities.models import Community, CoordinatorScope, Post
from intranet.search import views as search_views
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.communities.posts.feed.helpers import HIDDEN_STATES, make_post, member_of
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries


def _hx_url(html: str) -> str:
    match = re.search(r'hx-get="([^"]+)" hx-target="#search-more"', html)
    assert match is not None, "no link to more results"
    return match.group(1).replace("&amp;", "&")


pytestmark = pytest.mark.django_db

Visibility = Community.Visibility


def _search(client, q: str, type_: str = "", **extra) -> tuple[str, dict[str, int]]:
    params = {"q": q, **({"type": type_} if type_ else {})}
    response = client.get("/search/", params, HTTP_ACCEPT_LANGUAGE="en", **extra)
    assert response.status_code == 200
    html = response.content.decode()
    counts = {
        key: int(count)
        for key, count in re.findall(r'data-type="(\w+)"[^>]*>\s*[^<]*<span[^>]*data-count="(\d+)"', html)
    }
    return html, counts


def _ids(html: str, attr: str) -> list[str]:
    return re.findall(rf'data-{attr}="([^"]+)"', html)


@pytest.fixture
def me(client):
    user = UserFactory.create(display_name="Vera Viewer")
    client.force_login(user)
    return user


def test_search_requires_sign_in(client, db):
    response = client.get("/search/?q=x")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_empty_search_shows_only_the_box(client, me):
    html, counts = _search(client, "   ")

    assert 'id="search-start"' in html
    assert counts == {}


def test_posts_only_where_the_viewer_may_read(client, me):
    author = UserFactory.create()
    readable = [
        make_post(CommunityFactory.create(), author, title="Wasserstoff public"),
        make_post(member_of(me, visibility=Visibility.PRIVATE), author, title="Wasserstoff private mine"),
        make_post(member_of(me, visibility=Visibility.SECRET), author, title="Wasserstoff secret mine"),
    ]
    hidden = [
        make_post(CommunityFactory.create(visibility=Visibility.PRIVATE), author, title="Wasserstoff private other"),
        make_post(CommunityFactory.create(visibility=Visibility.SECRET), author, title="Wasserstoff secret other"),
        make_post(member_of(me, state="banned"), author, title="Wasserstoff banned"),
        make_post(member_of(me, visibility=Visibility.PRIVATE, state="pending"), author, title="Wasserstoff pending"),
        make_post(member_of(me, visibility=Visibility.SECRET, state="invited"), author, title="Wasserstoff invited"),
    ]
    for name, fields in HIDDEN_STATES.items():
        hidden.append(make_post(CommunityFactory.create(), author, title=f"Wasserstoff {name}", **fields))

    html, counts = _search(client, "wasserstoff", "posts")

    assert counts["posts"] == len(readable)
    assert sorted(map(int, _ids(html, "post"))) == sorted(p.pk for p in readable)
    for post in hidden:
        assert post.title not in html


def test_coordinators_find_posts_everywhere(client, db):
    coordinator = UserFactory.create(is_staff=True)
    client.force_login(coordinator)
    secret = make_post(CommunityFactory.create(visibility=Visibility.SECRET), title="Quartalszahlen")

    html, counts = _search(client, "Quartalszahlen")

    assert counts["posts"] == 1
    assert _ids(html, "post") == [str(secret.pk)]


def test_scoped_coordinators_find_secret_posts_and_communities_inside_their_scope_only(client, db):
    inside, outside = CategoryFactory.create(), CategoryFactory.create()
    coordinator = UserFactory.create()
    coordinator.user_permissions.add(
        Permission.objects.get(codename="coordinate", content_type__app_label="communities")
    )
    CoordinatorScope.objects.create(user=coordinator).categories.set([inside])
    client.force_login(coordinator)
    shown = CommunityFactory.create(name="Quartalszahlen Nord", visibility=Visibility.SECRET, category=inside)
    hidden = CommunityFactory.create(name="Quartalszahlen Süd", visibility=Visibility.SECRET, category=outside)
    post = make_post(shown, title="Quartalszahlen")
    make_post(hidden, title="Quartalszahlen")

    html, counts = _search(client, "Quartalszahlen")
    assert (counts["posts"], counts["communities"]) == (1, 1)
    assert _ids(html, "post") == [str(post.pk)]
    html, _counts = _search(client, "Quartalszahlen", "communities")
    assert _ids(html, "community") == [shown.slug]


def test_posts_newest_first_and_paged_without_gaps(client, me):
    community = CommunityFactory.create()
    posts = [make_post(community, title=f"Fahrplan {i}") for i in range(25)]

    html, counts = _search(client, "Fahrplan")
    first = [int(pk) for pk in _ids(html, "post")]
    more = re.search(r'hx-get="([^"]+)" hx-target="#search-more"', html)
    assert more is not None
    fragment = client.get(more.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true").content.decode()
    second = [int(pk) for pk in _ids(fragment, "post")]

    assert counts["posts"] == 25
    assert "<html" not in fragment
    assert first + second == [p.pk for p in reversed(posts)]
    assert 'id="search-more"' not in fragment


def test_german_stemming(client, me):
    post = make_post(CommunityFactory.create(), title="Parkplätze", body_text="Die Fahrräder stehen in den Häusern.")

    for term in ("Haus", "Fahrrad", "Parkplatz"):
        html, counts = _search(client, term, "posts")
        assert counts["posts"] == 1, term
        assert _ids(html, "post") == [str(post.pk)], term


def test_english_stemming(client, me):
    post = make_post(
        CommunityFactory.create(), title="Runners", body_text="Our teams were running the migrations quickly."
    )

    for term in ("run", "migration", "team"):
        html, counts = _search(client, term, "posts")
        assert counts["posts"] == 1, term
        assert _ids(html, "post") == [str(post.pk)], term


def test_websearch_syntax(client, me):
    community = CommunityFactory.create()
    both = make_post(community, title="Solar roof", body_text="panels on the roof")
    only_solar = make_post(community, title="Solar farm", body_text="a field")

    html, _ = _search(client, "solar -roof", "posts")
    assert _ids(html, "post") == [str(only_solar.pk)]
    html, _ = _search(client, '"solar roof"', "posts")
    assert _ids(html, "post") == [str(both.pk)]
    html, counts = _search(client, 'solar or "and" ) ( :*', "posts")  # stray operators never error
    assert counts["posts"] == 2


def test_communities_never_reveal_secret_ones(client, me):
    public = CommunityFactory.create(name="Elektromobilität Netzwerk")
    private = CommunityFactory.create(name="Elektromobilität Vorstand", visibility=Visibility.PRIVATE)
    secret_mine = member_of(me, visibility=Visibility.SECRET)
    secret_mine.name = "Elektromobilität Geheim"
    secret_mine.save()
    secret_other = CommunityFactory.create(name="Elektromobilität Projekt X", visibility=Visibility.SECRET)

    html, counts = _search(client, "Elektromobilität", "communities")

    assert counts["communities"] == 3
    assert sorted(_ids(html, "community")) == sorted([public.slug, private.slug, secret_mine.slug])
    assert secret_other.name not in html
    assert secret_other.slug not in html


def test_people_are_found_accent_and_typo_tolerant(client, me):
    juergen = UserFactory.create(display_name="Jürgen Müller")
    UserFactory.create(display_name="Somebody Else")
    UserFactory.create(display_name="Jürgen Inactive", is_active=False)

    for term in ("Jurgen Muller", "Juergen Mueller", "müler"):
        html, counts = _search(client, term, "people")
        assert counts["people"] == 1, term
        assert _ids(html, "person") == [juergen.handle], term


def test_first_tab_with_results_is_active_by_default(client, me):
    UserFactory.create(display_name="Zacharias Zimmermann")

    html, counts = _search(client, "Zimmermann")

    assert counts == {"posts": 0, "communities": 0, "people": 1}
    assert re.search(r'data-type="people" aria-current="page"', html)


def test_nothing_found(client, me):
    html, counts = _search(client, "xylophonquartett")

    assert counts == {"posts": 0, "communities": 0, "people": 0}
    assert 'id="search-empty"' in html


def test_counts_are_capped(client, me, monkeypatch):
    monkeypatch.setattr(search_views, "COUNT_CAP", 3)
    community = CommunityFactory.create()
    for _ in range(5):
        make_post(community, title="Kantine")

    html, counts = _search(client, "Kantine", "posts")

    assert counts["posts"] == 4  # counting stopped one past the cap
    assert ">3+</span>" in html


def test_header_search_box_submits_here(client, me):
    html = client.get("/search/", {"q": "Kantine"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert re.search(r'<form class="header-search[^>]*action="/search/"', html)
    assert 'id="header-search-q" name="q"\n                     value="Kantine"' in html


@pytest.mark.parametrize("tab", ["posts", "communities", "people"])
def test_query_count_does_not_grow_with_matches(client, me, tab):
    community = CommunityFactory.create()
    MembershipFactory.create(user=me, community=CommunityFactory.create(visibility=Visibility.PRIVATE))

    def add(n: int) -> None:
        for _ in range(n):
            make_post(community, title="Kaffeemaschine", tags=["x"])
            CommunityFactory.create(name="Kaffeemaschine Fans")
            UserFactory.create(display_name="Kaffeemaschine Person")

    # user, role map (with the community permissions), one capped count per tab (people: with its search
    # settings), then the active tab's page (people: settings, people, skills; posts of a rare
    # term: the matching ids, then the page; the planner's estimate is cached after the first call)
    expected = {"posts": 8, "communities": 7, "people": 9}[tab]
    assert_constant_queries(
        add_rows=add, action=lambda: _search(client, "Kaffeemaschine", tab), small=1, large=6, expected=expected
    )


def test_more_results_fragment_skips_the_counts(client, me):
    community = CommunityFactory.create()
    for _ in range(21):
        make_post(community, title="Betriebsrat")
    html, _ = _search(client, "Betriebsrat", "posts")
    url = _hx_url(html)

    # user, role map, community permissions, the matching ids of a rare term, the page
    assert_constant_queries(
        add_rows=lambda n: [make_post(community, title="Betriebsrat") for _ in range(n)],
        action=lambda: client.get(url, HTTP_HX_REQUEST="true"),
        small=1,
        large=6,
        expected=4,
    )


def test_foreign_cursor_is_a_friendly_400(client, me):
    make_post(CommunityFactory.create(), title="Dienstwagen")

    response = client.get("/search/", {"q": "Dienstwagen", "type": "posts", "cursor": "bogus"})

    assert response.status_code == 400
    assert "out of date or incomplete" in response.content.decode()


def test_post_kinds_are_labelled(client, me):
    make_post(CommunityFactory.create(), title="Reisekosten", kind=Post.Kind.QUESTION)

    html, _ = _search(client, "Reisekosten")

    assert "Question" in html


def test_communities_page_by_keyset_without_gaps_when_ranks_tie(client, me):
    for i in range(23):
        CommunityFactory.create(name=f"Gewerkschaft {i}", description="gewerkschaft " * (i % 3))

    html, counts = _search(client, "Gewerkschaft", "communities")
    first = _ids(html, "community")
    fragment = client.get(_hx_url(html), HTTP_HX_REQUEST="true").content.decode()
    second = _ids(fragment, "community")

    assert counts["communities"] == 23
    assert len(first) == 20
    assert len(second) == 3
    assert len(set(first + second)) == 23


@pytest.mark.parametrize("rare_below", [0, 10**9])
def test_both_plans_page_the_same_posts(client, me, monkeypatch, rare_below):
    # Common terms walk the posts newest first; rare ones are paged from their matching ids.
    monkeypatch.setattr("communities.posts.search.RARE_TERM_ESTIMATE", rare_below)
    community = CommunityFactory.create()
    posts = [make_post(community, title=f"Schichtplan {i}") for i in range(23)]
    html, _ = _search(client, "Schichtplan")
    first = [int(pk) for pk in _ids(html, "post")]
    fragment = client.get(_hx_url(html), HTTP_HX_REQUEST="true").content.decode()
    assert first + [int(pk) for pk in _ids(fragment, "post")] == [p.pk for p in reversed(posts)]


def test_a_rare_term_with_too_many_matches_falls_back_to_the_walk(client, me, monkeypatch):
    monkeypatch.setattr("communities.posts.search.RARE_TERM_CANDIDATES", 2)
    community = CommunityFactory.create()
    posts = [make_post(community, title="Dienstwagen") for _ in range(4)]
    html, _ = _search(client, "Dienstwagen")
    assert [int(pk) for pk in _ids(html, "post")] == [p.pk for p in reversed(posts)]
