"""The stored search vector and the name trigram index, through the permission-free QuerySet."""

from __future__ import annotations

import pytest
from django.db import connection

from communities.core.services import community_create, community_update
from communities.models import Community, trigram_threshold
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    user = UserFactory.create()
    make = community_create
    return {
        "bikes": make(actor=user, name="Fahrradfreunde", description="Wir fahren gemeinsam zur Arbeit."),
        "runners": make(actor=user, name="Running Club", description="Runners training for marathons.", tags=["Sport"]),
        "python": make(actor=user, name="Python Developers", purpose="Write better software", tags=["Programmierung"]),
        "kitchen": make(actor=user, name="Kochen & Genießen", description="Rezepte aus aller Welt"),
    }


def _found(text: str) -> set[str]:
    return set(Community.objects.search(text).values_list("slug", flat=True))


def test_german_and_english_stemming(corpus):
    assert "fahrradfreunde" in _found("fahrradfreunde")
    assert "running-club" in _found("marathon")  # english stemming: marathons -> marathon
    assert "running-club" in _found("run")
    assert "kochen-geniessen" in _found("Rezept")  # german stemming: Rezepte -> rezept
    assert "fahrradfreunde" in _found("fahren Arbeit")


def test_tags_are_searchable_and_follow_updates(corpus):
    assert _found("programmierung") == {"python-developers"}
    community_update(actor=corpus["python"].created_by, community=corpus["python"], tags=["Data Science"])
    assert _found("programmierung") == set()
    assert _found("science") == {"python-developers"}


def test_typos_in_names_are_tolerated(corpus):
    # pg_trgm's default word-similarity threshold (0.6) through the GIN index: a missing or extra
    # letter in a longer word is forgiven; short words need a looser threshold.
    assert "running-club" in _found("runing")
    assert "fahrradfreunde" in _found("Fahradfreunde")
    assert "python-developers" not in _found("pyton")
    with trigram_threshold(0.45):
        assert "python-developers" in _found("pyton")
    assert "python-developers" not in _found("pyton")  # the looser threshold ended with the block


def test_name_matches_rank_above_description_matches(corpus):
    user = corpus["python"].created_by
    community_create(actor=user, name="Lunch", description="We talk about Python while eating.")
    ranked = list(Community.objects.search("python").order_by("-rank").values_list("slug", flat=True))
    assert ranked[0] == "python-developers" and "lunch" in ranked


def test_empty_search_is_no_filter(corpus):
    assert Community.objects.search("   ").count() == 4


def test_directory_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'communities_community'")
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "community_recent_activity",
        "community_most_members",
        "community_newest",
        "community_name_order",
        "community_search",
        "community_name_trgm",
    } <= names
