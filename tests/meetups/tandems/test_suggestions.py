"""Tandem suggestions: the expected pairs rank first, with the right reasons; secrets stay secret."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import translation

from communities.models import Community
from intranet.core.viewer import Viewer
from meetups.models import TandemSuggestion
from meetups.tandems import scoring
from meetups.tandems.selectors import suggestion_list_for_bulk, suggestion_list_for_community
from meetups.tandems.services import tandem_suggestions_refresh
from meetups.tandems.suggestions import compute_suggestions
from tests.factories import UserFactory
from tests.meetups.tandem_helpers import make_community, owner_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    """Three topic clusters plus noise; the pairs inside a cluster are the expected suggestions."""
    c = {}
    c["solar_a"] = make_community(
        "Solar energy at the plant",
        tags=("sustainability", "energy"),
        description="Photovoltaic panels on factory roofs, saving electricity and carbon emissions.",
        members=120,
    )
    c["solar_b"] = make_community(
        "Green energy network",
        tags=("sustainability", "energy", "climate"),
        description="Electricity from photovoltaic and wind, carbon emissions of our sites.",
        members=200,
    )
    c["bikes"] = make_community(
        "Cycling to work",
        tags=("sustainability", "mobility"),
        description="Bicycles, commuting and showers at the office.",
        members=40,
        language="en",
    )
    c["python_a"] = make_community(
        "Python developers",
        tags=("python", "programming"),
        description="Python packaging, typing and testing with pytest.",
        members=900,
        language="en",
    )
    c["python_b"] = make_community(
        "Data science with Python",
        tags=("python", "data"),
        description="Pandas, notebooks and machine learning in Python, typing welcome.",
        members=500,
        language="en",
    )
    c["choir"] = make_community("Company choir", tags=("music",), description="We sing every Thursday.", members=30)
    for i in range(6):
        make_community(f"Unrelated {i}", tags=(f"topic{i}",), description=f"Nothing in common number {i}.")
    return c


def test_expected_pairs_rank_first(corpus):
    result = compute_suggestions([corpus["solar_a"].pk, corpus["python_a"].pk, corpus["choir"].pk])
    assert result[corpus["solar_a"].pk][0].other_id == corpus["solar_b"].pk
    assert result[corpus["solar_a"].pk][1].other_id == corpus["bikes"].pk
    assert result[corpus["python_a"].pk][0].other_id == corpus["python_b"].pk
    # Nothing shares a topic with the choir: no suggestion rather than a bad one.
    assert result[corpus["choir"].pk] == []


def test_scores_are_symmetric_and_reasons_right(corpus):
    result = compute_suggestions([corpus["solar_a"].pk, corpus["solar_b"].pk])
    ab = result[corpus["solar_a"].pk][0]
    ba = result[corpus["solar_b"].pk][0]
    assert ab.score == ba.score
    codes = {r["code"]: r["params"] for r in ab.reasons}
    assert set(codes["tags"]["tags"]) == {"sustainability", "energy"}
    assert codes["size"] == {"size": "s"}  # 120 and 200 members
    assert codes["language"] == {"language": "de"}
    assert codes["stage"] == {"stage": "growing"}
    assert "text" in codes  # photovoltaic, electricity, carbon, emissions
    with translation.override("en"):
        texts = scoring.reasons_text(ab.reasons)
    assert "both 50–300 members" in texts  # noqa: RUF001 - en dash in a number range
    assert "both German" in texts
    assert any(t.startswith("both tagged #") and "#sustainability" in t and "#energy" in t for t in texts)


def test_different_sizes_and_languages_give_no_such_reason(corpus):
    result = compute_suggestions([corpus["solar_a"].pk])
    bikes = next(s for s in result[corpus["solar_a"].pk] if s.other_id == corpus["bikes"].pk)
    codes = {r["code"] for r in bikes.reasons}
    assert "tags" in codes
    assert "size" not in codes and "language" not in codes


def test_reason_texts_in_german(corpus):
    result = compute_suggestions([corpus["solar_a"].pk])
    with translation.override("de"):
        texts = scoring.reasons_text(result[corpus["solar_a"].pk][0].reasons)
    assert texts  # translated or not, every reason renders as a phrase
    assert all(isinstance(t, str) and t for t in texts)


def test_refresh_stores_both_directions_and_is_idempotent(corpus):
    written = tandem_suggestions_refresh()
    assert written == TandemSuggestion.objects.count()
    assert TandemSuggestion.objects.filter(community=corpus["solar_a"], other=corpus["solar_b"]).exists()
    assert TandemSuggestion.objects.filter(community=corpus["solar_b"], other=corpus["solar_a"]).exists()
    assert tandem_suggestions_refresh() == written


def test_partial_refresh_replaces_rows_of_one_community(corpus):
    tandem_suggestions_refresh()
    before = TandemSuggestion.objects.filter(community=corpus["python_a"]).count()
    tandem_suggestions_refresh([corpus["python_a"].pk])
    assert TandemSuggestion.objects.filter(community=corpus["python_a"]).count() == before


def test_manager_sees_suggestions_of_own_community_best_first(corpus):
    tandem_suggestions_refresh()
    viewer = Viewer(owner_of(corpus["solar_a"]))
    rows = suggestion_list_for_community(viewer=viewer, community=corpus["solar_a"])
    assert [r.suggestion.other_id for r in rows[:2]] == [corpus["solar_b"].pk, corpus["bikes"].pk]
    assert rows[0].can_propose
    assert rows[0].reasons


def test_plain_employee_gets_404_for_suggestions(corpus):
    with pytest.raises(Http404):
        suggestion_list_for_community(viewer=Viewer(UserFactory.create()), community=corpus["solar_a"])


def test_suggestions_never_reveal_a_secret_community():
    owner_public = UserFactory.create()
    public = make_community(
        "Hydrogen fuel cells", tags=("hydrogen", "energy"), description="Fuel cells.", owner=owner_public
    )
    secret = make_community(
        "Hydrogen fuel cell project",
        tags=("hydrogen", "energy"),
        description="Fuel cells, confidential.",
        visibility=Community.Visibility.SECRET,
    )
    tandem_suggestions_refresh()
    # The pair exists in the table, both ways...
    assert TandemSuggestion.objects.filter(community=public, other=secret).exists()
    # ...but the public community's manager never sees the secret one.
    rows = suggestion_list_for_community(viewer=Viewer(owner_public), community=public)
    assert secret.pk not in [r.suggestion.other_id for r in rows]
    # The secret community's own owner sees the public one (they can see both).
    rows = suggestion_list_for_community(viewer=Viewer(owner_of(secret)), community=secret)
    assert [r.suggestion.other_id for r in rows] == [public.pk]
    # A coordinator's bulk list never offers a secret community.
    page = suggestion_list_for_bulk(viewer=Viewer(UserFactory.create(is_staff=True)))
    assert all(secret.pk not in (s.community_id, s.other_id) for s in page.items)


def test_archived_communities_are_not_suggested(corpus):
    tandem_suggestions_refresh()
    Community.objects.filter(pk=corpus["solar_b"].pk).update(
        lifecycle="archived", archived_at=corpus["solar_b"].created_at
    )
    rows = suggestion_list_for_community(viewer=Viewer(owner_of(corpus["solar_a"])), community=corpus["solar_a"])
    assert corpus["solar_b"].pk not in [r.suggestion.other_id for r in rows]


def test_bulk_list_has_each_pair_once(corpus):
    tandem_suggestions_refresh()
    page = suggestion_list_for_bulk(viewer=Viewer(UserFactory.create(is_staff=True)), page_size=100)
    pairs = [frozenset((s.community_id, s.other_id)) for s in page.items]
    assert len(pairs) == len(set(pairs))
    assert frozenset((corpus["solar_a"].pk, corpus["solar_b"].pk)) in pairs


def test_size_classes_and_stages():
    assert [scoring.size_class(n) for n in (0, 49, 50, 299, 300, 999, 1000, 4000)] == [
        "xs",
        "xs",
        "s",
        "s",
        "m",
        "m",
        "l",
        "l",
    ]
