"""Typo- and accent-tolerant name search in the people directory (selector level)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.accounts.models import User
from intranet.accounts.selectors import user_list_for_directory
from intranet.accounts.text import search_name_for
from intranet.core.viewer import Viewer
from tests.factories import UserFactory

# factory_boy's types say a factory returns itself; it returns the model.
make_user = cast("Callable[..., User]", UserFactory)

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(db):
    names = [
        "Anna Müller",
        "Hans Müller",
        "Jürgen Groß",
        "Anna Schmidt",
        "Zoë Martin",
        "François Dubois",
        "Stefan Schneider",
        "Katharina Weiß",
        "Martin Mull",
    ]
    return {name: make_user(display_name=name) for name in names}


@pytest.fixture
def viewer(db):
    return Viewer(make_user(display_name="Searching Person"))


def _names(viewer, query, **filters):
    page = user_list_for_directory(viewer=viewer, query=query, page_size=50, **filters)
    return [person.display_name for person in page]


@pytest.mark.parametrize("query", ["Mueller", "Muller", "Muler", "Mueler", "Müller", "MÜLLER", "muelller"])
def test_accented_surname_is_found_by_ascii_and_misspelt_queries(colleagues, viewer, query):
    found = _names(viewer, query)
    assert "Anna Müller" in found
    assert "Hans Müller" in found
    assert "Anna Schmidt" not in found


@pytest.mark.parametrize("query", ["Jurgen", "Juergen", "Jürgen", "jurgen gros", "Juergen Gross", "Jurgn"])
def test_juergen_is_found_without_umlaut(colleagues, viewer, query):
    assert _names(viewer, query)[0] == "Jürgen Groß"


@pytest.mark.parametrize(
    "query", ["Anna Müller", "Anna Mueller", "Anna Muller", "Anna Muler", "Ana Mueller", "anna mueler", "Müller Anna"]
)
def test_full_name_queries_rank_the_person_first(colleagues, viewer, query):
    found = _names(viewer, query)
    assert found[0] == "Anna Müller"
    # A shared first name alone is not enough to match a full-name query with a different surname.
    assert "Anna Schmidt" not in found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Francois", "François Dubois"),
        ("Fracois", "François Dubois"),
        ("Zoe", "Zoë Martin"),
        ("Katarina Weiss", "Katharina Weiß"),
        ("Schmit", "Anna Schmidt"),
        ("Shmidt", "Anna Schmidt"),
    ],
)
def test_common_typos_still_find_the_person(colleagues, viewer, query, expected):
    assert _names(viewer, query)[0] == expected


def test_unrelated_query_finds_nobody(colleagues, viewer):
    assert _names(viewer, "Xylophon") == []


def test_search_lists_only_active_people(colleagues, viewer):
    colleagues["Hans Müller"].is_active = False
    colleagues["Hans Müller"].save(update_fields=["is_active"])
    assert _names(viewer, "Mueller") == ["Anna Müller"]


def test_anonymous_viewer_sees_nobody(colleagues):
    assert list(user_list_for_directory(viewer=Viewer(None), query="Mueller")) == []
    assert list(user_list_for_directory(viewer=Viewer(None))) == []


def test_search_combines_with_filters(colleagues, viewer):
    anna = colleagues["Anna Müller"]
    anna.profile.department = "IT"
    anna.profile.save(update_fields=["department"])
    assert _names(viewer, "Muller", department="IT") == ["Anna Müller"]


def test_search_pages_by_similarity_without_gaps_or_duplicates(viewer):
    # Equal similarity for many rows: the id tie-breaker must carry the walk across pages.
    people = [make_user(display_name=f"Müller {suffix}") for suffix in "ABCDEFGHIJK"]
    people += [make_user(display_name="Mueler Z"), make_user(display_name="Mull Y")]
    expected = {p.pk for p in people[:-1]}  # "Mull Y" is too far from "mueller"
    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = user_list_for_directory(viewer=viewer, query="Mueller", cursor=cursor, page_size=3)
        seen.extend(person.pk for person in page)
        similarities = [person.similarity for person in page]
        assert similarities == sorted(similarities, reverse=True)
        pages += 1
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)), "a person appeared on two pages"
    assert set(seen) == expected
    assert pages == 4


def test_name_search_uses_the_trigram_index(viewer):
    # Enough people that PostgreSQL would prefer a sequential scan; one in forty is a Müller, as
    # in a real directory where a common surname is still a small share of everyone.
    surnames = ["Müller", *(f"Nachname{n:02d}" for n in range(39))]
    User.objects.bulk_create(
        User(
            email=f"p{i}@example.com",
            display_name=f"Person {i} {surnames[i % 40]}",
            handle=f"p{i}",
            search_name=search_name_for(f"Person {i} {surnames[i % 40]}"),
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
    with CaptureQueriesContext(connection) as ctx:
        page = user_list_for_directory(viewer=viewer, query="Muler")
    assert len(page) == 24
    tune, people = ctx.captured_queries[0]["sql"], ctx.captured_queries[1]["sql"]
    assert "word_similarity_threshold" in tune
    with connection.cursor() as cursor:
        cursor.execute(tune)
        cursor.execute(f"EXPLAIN {people}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on user_search_name_trgm" in plan, plan
    assert "Seq Scan on accounts_user" not in plan, plan


def test_directory_without_query_is_ordered_by_name(colleagues, viewer):
    names = _names(viewer, "")
    assert names[:3] == ["Anna Müller", "Anna Schmidt", "François Dubois"]


def test_pages_of_tied_matches_lose_and_repeat_nobody(viewer):
    # 23 equal scores for one term: ties across the page boundary must survive the cursor.
    User.objects.bulk_create(
        User(
            email=f"g{i}@example.com",
            display_name=f"Gunhild Gewerkschaft{i:02d}",
            handle=f"g{i}",
            search_name=search_name_for(f"Gunhild Gewerkschaft{i:02d}"),
        )
        for i in range(23)
    )
    seen: list[int] = []
    cursor = None
    while True:
        page = user_list_for_directory(viewer=viewer, query="Gewerkschaft", cursor=cursor, page_size=5)
        seen.extend(u.pk for u in page)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 23
