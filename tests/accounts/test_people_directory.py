"""The people directory page: filters, keyset pages, HTMX "load more", empty state, query pins."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable
from typing import cast
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from intranet.accounts.models import Profile, User
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db

URL = reverse("accounts:people_list")
_counter = itertools.count()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def make_person(display_name: str | None = None, *, department="", location="", skills=(), avatar=False, **extra):
    user = make_user(display_name=display_name or f"Colleague {next(_counter):03d}", **extra)
    profile = user.profile if hasattr(user, "profile") else Profile.objects.get(user=user)
    profile.department = department
    profile.location = location
    profile.job_title = "Engineer"
    if avatar:
        profile.avatar.save("a.webp", ContentFile(_png()), save=False)
    profile.save()
    if skills:
        profile.skills.set(list(skills))
    return user


def _card_names(html: str) -> list[str]:
    return re.findall(r'class="stretched-link[^"]*">([^<]+)</a>', html)


@pytest.fixture
def viewer_client(client, db):
    viewer = make_person("Viewer Person")
    client.force_login(viewer)
    client.viewer_user = viewer
    return client


def test_directory_requires_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_directory_lists_active_people_with_card_details(viewer_client):
    make_person("Anna Müller", department="IT", location="Stuttgart", skills=["Python"])
    make_person("Gone Person", is_active=False)
    response = viewer_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anna Müller" in html and "Stuttgart" in html and "IT" in html and "Python" in html
    assert "Gone Person" not in html
    assert 'aria-label="Initials of Anna Müller"' in html
    assert "<h1" in html and html.index("<h1") < html.index("<h2") < html.index("<h3")


def test_directory_search_by_query_parameter(viewer_client):
    make_person("Anna Müller")
    make_person("Jürgen Groß")
    html = viewer_client.get(URL, {"q": "Muler"}).content.decode()
    assert _card_names(html) == ["Anna Müller"]
    html = viewer_client.get(URL, {"q": "Jurgen"}).content.decode()
    assert _card_names(html) == ["Jürgen Groß"]


def test_directory_filters_by_department_location_and_skill(viewer_client):
    make_person("Anna IT Stuttgart", department="IT", location="Stuttgart", skills=["Python", "Django"])
    make_person("Bert IT Berlin", department="IT", location="Berlin", skills=["Java"])
    make_person("Cleo Sales Stuttgart", department="Sales", location="Stuttgart", skills=["Python"])

    def names(**params):
        return sorted(_card_names(viewer_client.get(URL, params).content.decode()))

    assert names(department="IT") == ["Anna IT Stuttgart", "Bert IT Berlin"]
    assert names(location="Stuttgart") == ["Anna IT Stuttgart", "Cleo Sales Stuttgart"]
    assert names(skill="python") == ["Anna IT Stuttgart", "Cleo Sales Stuttgart"]
    assert names(department="IT", location="Stuttgart", skill="python") == ["Anna IT Stuttgart"]
    assert names(department="IT", skill="java") == ["Bert IT Berlin"]
    assert names(department="Nowhere") == []


def test_filter_menus_offer_values_of_active_people(viewer_client):
    make_person("A", department="IT", location="Stuttgart", skills=["Python"])
    make_person("B", department="Legal", location="Berlin", skills=["Contracts"], is_active=False)
    html = viewer_client.get(URL).content.decode()
    assert '<option value="IT">IT</option>' in html
    assert '<option value="Stuttgart">Stuttgart</option>' in html
    assert '<option value="python">Python</option>' in html
    assert "Legal" not in html and "Contracts" not in html


def test_filter_menus_are_cached_and_refreshed_after_a_profile_change(
    viewer_client, django_capture_on_commit_callbacks
):
    from intranet.accounts.services import profile_update

    person = make_person("A", department="IT")
    assert '<option value="IT">' in viewer_client.get(URL).content.decode()
    Profile.objects.filter(user=person).update(department="Finance")
    # Written behind the service's back: the cached menu still shows the old value for a while.
    assert '<option value="Finance">' not in viewer_client.get(URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile_update(actor=person, user=person, department="Controlling")
    assert len(callbacks) == 1
    html = viewer_client.get(URL).content.decode()
    assert '<option value="Controlling">' in html


def test_empty_state_when_nothing_matches(viewer_client):
    html = viewer_client.get(URL, {"q": "Xylophon"}).content.decode()
    assert "No colleagues match your search." in html
    assert 'id="people-results"' not in html


def _walk(client, params, *, htmx=False):
    seen, url, pages = [], f"{URL}", 0
    response = client.get(url, params)
    while True:
        html = response.content.decode()
        seen.extend(_card_names(html))
        pages += 1
        match = re.search(r'id="people-more">\s*<a href="([^"]+)"', html)
        if not match:
            return seen, pages
        next_url = match.group(1).replace("&amp;", "&")
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(next_url, headers=headers)
        if htmx:
            assert "<h1" not in response.content.decode(), "htmx gets the partial only"


@pytest.mark.parametrize("htmx", [False, True])
def test_pagination_walks_every_person_once(viewer_client, htmx):
    for i in range(55):
        make_person(f"Person {i:02d}", department="IT")
    make_person("Other Department", department="Sales")
    seen, pages = _walk(viewer_client, {"department": "IT"}, htmx=htmx)
    assert len(seen) == 55 and len(set(seen)) == 55
    assert seen == sorted(seen)
    assert pages == 3  # 24 + 24 + 7


def test_pagination_with_a_search_keeps_the_query(viewer_client):
    for i in range(30):
        make_person(f"Müller {i:02d}")
    response = viewer_client.get(URL, {"q": "Mueller"})
    match = re.search(r'id="people-more">\s*<a href="([^"]+)"', response.content.decode())
    assert match is not None
    query = parse_qs(urlparse(match.group(1).replace("&amp;", "&")).query)
    assert query["q"] == ["Mueller"] and "cursor" in query
    seen, pages = _walk(viewer_client, {"q": "Mueller"})
    assert len(seen) == 30 and len(set(seen)) == 30 and pages == 2


def test_a_tampered_cursor_is_a_friendly_400(viewer_client):
    make_person("Anna Müller")
    response = viewer_client.get(URL, {"cursor": "bogus!!"})
    assert response.status_code == 400
    assert "out of date or incomplete" in response.content.decode()


def _pin(client, params, expected):
    added: list = []

    def add_rows(n):
        for _ in range(n):
            added.append(
                make_person(department="IT", location="Stuttgart", skills=["Python", "Leadership"], avatar=True)
            )

    def action():
        response = client.get(URL, params)
        assert response.status_code == 200
        html = response.content.decode()
        # Every added person is on the page, with avatar and skills: the pin covers real rows.
        assert {p.display_name for p in added} <= set(_card_names(html))
        assert html.count('class="rounded-circle') >= len(added)
        assert html.count('border">Leadership</span>') == len(added)

    return assert_constant_queries(add_rows=add_rows, action=action, small=1, large=7, expected=expected)


def test_directory_query_count_does_not_grow_with_people(viewer_client):
    # The signed-in user, the people page, the skills of the page. The session and the filter
    # menus come from the cache.
    _pin(viewer_client, {}, expected=3)


def test_directory_search_query_count_does_not_grow_with_people(viewer_client):
    # ... plus the SET LOCAL of the trigram threshold.
    _pin(viewer_client, {"q": "Colleague", "skill": "python"}, expected=4)
