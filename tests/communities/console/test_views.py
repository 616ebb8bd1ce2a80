"""Console pages: who may see them, scope everywhere, CSV export, actions, pinned query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from communities.lifecycle.services import campaign_start, community_merge
from communities.models import CampaignCase, CommunityHealth, CoordinatorNote, HandoverRecord, Membership
from tests.communities.conftest import snapshot
from tests.communities.console.conftest import add_member, community_with, coordinator, figures
from tests.communities.factories import CategoryFactory
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
Role = Membership.Role


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_export_neutralises_formula_names(staff) -> None:
    """A community named like a spreadsheet formula is exported as text (issue 17, item 16)."""
    hostile = '=HYPERLINK("http://evil.example","x")'
    community_with(name=hostile, slug="hostile")
    community_with(name="\uff0bSUM(1)", slug="fullwidth")
    response = client_for(staff).get(reverse("communities:console_export"))
    assert response["Content-Type"].startswith("text/csv") and response["Cache-Control"] == "private, no-store"
    names = {r["name"] for r in csv_rows(response)}
    assert names == {"'" + hostile, "'\uff0bSUM(1)"}


PAGES: list[Callable[[Any], str]] = [
    lambda c: reverse("communities:console_overview"),
    lambda c: reverse("communities:console_community_list"),
    lambda c: reverse("communities:console_export"),
    lambda c: reverse("communities:console_community", args=[c.pk]),
    lambda c: reverse("communities:console_portfolio"),
    lambda c: reverse("communities:console_manager", args=[Membership.objects.filter(community=c).first().user_id]),  # type: ignore[union-attr]
]


@pytest.mark.parametrize("kind", ["employee", "member", "owner", "manager"])
@pytest.mark.parametrize("page", range(len(PAGES)))
def test_non_coordinators_get_404_on_every_console_page(kind: str, page: int) -> None:
    community = community_with()
    if kind == "employee":
        user = UserFactory.create()
    elif kind == "owner":
        user = Membership.objects.get(community=community, role=Role.OWNER).user
    else:
        user = add_member(community, Role.MANAGER if kind == "manager" else Role.MEMBER)
    assert client_for(user).get(PAGES[page](community)).status_code == 404


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(reverse("communities:console_overview"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_staff_and_coordinators_see_every_page(staff, page: int) -> None:
    community = community_with(members=2)
    figures(community)
    for user in (staff, coordinator()):
        assert client_for(user).get(PAGES[page](community)).status_code == 200


def test_scoped_coordinator_sees_only_their_scope_everywhere() -> None:
    category = CategoryFactory.create()
    inside_by_category = community_with(category=category, name="Inside A")
    inside_by_pick = community_with(name="Inside B")
    outside = community_with(name="Outside C")
    for c in (inside_by_category, inside_by_pick, outside):
        figures(c, members=10)
    scoped = coordinator(categories=[category], communities=[inside_by_pick])
    client = client_for(scoped)
    listing = client.get(reverse("communities:console_community_list"))
    assert [c.pk for c in listing.context["page"]] and {c.pk for c in listing.context["page"]} == {
        inside_by_category.pk,
        inside_by_pick.pk,
    }
    rows = csv_rows(client.get(reverse("communities:console_export")))
    assert {r["name"] for r in rows} == {"Inside A", "Inside B"}
    overview = client.get(reverse("communities:console_overview")).context["overview"]
    assert overview.total == 2
    assert {v: n for v, _l, n in overview.by_state}["dormant"] == 2
    assert overview.chart_members and set(overview.chart_members) == {20}
    portfolio = client.get(reverse("communities:console_portfolio")).context["page"]
    assert {c.pk for e in portfolio for c, _r, _s in e.communities} == {inside_by_category.pk, inside_by_pick.pk}
    outside_owner = Membership.objects.get(community=outside, role=Role.OWNER).user_id
    assert client.get(reverse("communities:console_community", args=[outside.pk])).status_code == 404
    assert client.get(reverse("communities:console_manager", args=[outside_owner])).status_code == 404


def test_list_filters_sort_and_csv_agree(staff) -> None:
    category = CategoryFactory.create()
    dormant_big = community_with(members=4, name="Big sleeper", category=category)
    dormant_small = community_with(members=1, name="Small sleeper", is_official=True)
    community_with(state=CommunityHealth.State.THRIVING, name="Lively")
    community_with(state=None, name="New")
    client = client_for(staff)
    url = reverse("communities:console_community_list")
    page = client.get(url, {"state": "dormant", "sort": "-members"}).context["page"]
    assert [c.pk for c in page] == [dormant_big.pk, dormant_small.pk]
    page = client.get(url, {"state": "dormant", "sort": "members"}).context["page"]
    assert [c.pk for c in page] == [dormant_small.pk, dormant_big.pk]
    assert [c.name for c in client.get(url, {"official": "yes"}).context["page"]] == ["Small sleeper"]
    assert [c.name for c in client.get(url, {"category": category.pk}).context["page"]] == ["Big sleeper"]
    assert [c.name for c in client.get(url, {"state": "unassessed"}).context["page"]] == ["New"]
    rows = csv_rows(client.get(reverse("communities:console_export"), {"state": "dormant", "sort": "-members"}))
    assert [(r["name"], r["members"], r["state"]) for r in rows] == [
        ("Big sleeper", "5", "dormant"),
        ("Small sleeper", "2", "dormant"),
    ]


def test_list_pages_by_keyset(staff) -> None:
    for i in range(35):
        community_with(name=f"C{i:02d}")
    client = client_for(staff)
    url = reverse("communities:console_community_list")
    first = client.get(url, {"sort": "name"})
    assert len(first.context["page"]) == 30
    second = client.get(url + first.context["next_url"])
    names = [c.name for c in first.context["page"]] + [c.name for c in second.context["page"]]
    assert names == sorted(f"C{i:02d}" for i in range(35))


# Actions -----------------------------------------------------------------------------------------


def test_handover_from_the_console(staff) -> None:
    community = community_with()
    successor = add_member(community)
    response = client_for(staff).post(
        reverse("communities:console_handover", args=[community.pk]), {"to_user": successor.pk, "reason": "why"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(community=community, user=successor).role == Role.OWNER


def test_owner_hands_over_by_email_and_sees_form_errors() -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    other = UserFactory.create()
    client = client_for(owner)
    url = reverse("communities:console_handover", args=[community.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"person": "nobody@example.com"})
    assert bad.status_code == 400 and "Nobody here by that name, handle or e-mail address." in bad.content.decode()
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"person": other.email}).status_code == 302
    assert Membership.objects.get(community=community, user=other).role == Role.OWNER
    assert Membership.objects.get(community=community, user=owner).role == Role.MANAGER


def test_owner_hands_over_to_someone_chosen_by_name_in_the_picker() -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    chosen = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    gone = UserFactory.create(display_name="Jürgen Gegangen", handle="juergen.gegangen", is_active=False)
    client = client_for(owner)
    url = reverse("communities:console_handover", args=[community.pk])
    page = client.get(url).content.decode()
    assert "data-person-picker" in page and 'data-self="0"' in page
    # Deactivated people cannot be chosen, by handle or by id.
    before = snapshot()
    assert client.post(url, {"person": gone.handle}).status_code == 400
    assert client.post(url, {"to_user": gone.pk}).status_code == 400
    assert snapshot() == before
    # The picker sends the handle of the person chosen by name.
    assert client.post(url, {"person": "@juergen.gross"}).status_code == 302
    assert Membership.objects.get(community=community, user=chosen).role == Role.OWNER


@pytest.mark.parametrize("kind", ["employee", "member", "manager", "scoped_elsewhere"])
def test_console_actions_denied_without_side_effects(staff, kind: str) -> None:
    community = community_with(members=1)
    target = community_with(state=CommunityHealth.State.THRIVING)
    successor = add_member(community)
    campaign_start(actor=staff)
    case = CampaignCase.objects.get(community=community)
    record = community_merge(actor=staff, source=community_with(), target=target)
    if kind == "employee":
        user = UserFactory.create()
    elif kind == "scoped_elsewhere":
        user = coordinator(communities=[community_with(state=None)])
    else:
        user = add_member(community, Role.MANAGER if kind == "manager" else Role.MEMBER)
    owner_id = Membership.objects.get(community=community, role=Role.OWNER).user_id
    client = client_for(user)
    before = snapshot()
    posts = [
        (reverse("communities:console_handover", args=[community.pk]), {"to_user": successor.pk}),
        (reverse("communities:console_merge", args=[community.pk]), {"target": target.pk}),
        (reverse("communities:console_restore", args=[record.source_id]), {}),
        (reverse("communities:console_unmerge", args=[record.pk]), {}),
        (reverse("communities:console_case_answer", args=[case.pk]), {"answer": "archive"}),
        (reverse("communities:console_manager", args=[owner_id]), {"text": "note"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    if kind != "scoped_elsewhere":
        assert client.post(reverse("communities:console_campaign_start"), {}).status_code == 404
    assert snapshot() == before
    assert not CoordinatorNote.objects.exists() and not HandoverRecord.objects.exists()
    case.refresh_from_db()
    assert case.answered_at is None


def test_owner_answers_the_lifecycle_question(staff) -> None:
    community = community_with()
    campaign_start(actor=staff)
    case = CampaignCase.objects.get()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    client = client_for(owner)
    url = reverse("communities:console_case_answer", args=[case.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "merge", "merge_slug": "no-such"}).status_code == 400
    assert client.post(url, {"answer": "keep"}).status_code == 302
    case.refresh_from_db()
    assert case.outcome == "kept"


def test_coordinator_notes_stay_private(staff) -> None:
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    url = reverse("communities:console_manager", args=[owner.pk])
    client = client_for(staff)
    bad = client.post(url, with_key(text="", next_action_due="2026-12-01"))
    assert bad.status_code == 400
    response = client.post(
        url, with_key(text="Call about the relaunch", next_action="Call", next_action_due="2026-12-01")
    )
    assert response.status_code == 302
    note = CoordinatorNote.objects.get()
    assert (note.manager_id, note.author_id) == (owner.pk, staff.pk)
    portfolio = client.get(reverse("communities:console_portfolio")).content.decode()
    assert "Call" in portfolio
    assert client_for(owner).get(url).status_code == 404


# Query counts ------------------------------------------------------------------------------------


def _grow(staff: Any, make: Callable[[int], Any]) -> Callable[[int], None]:
    def add(n: int) -> None:
        for i in range(n):
            make(i)

    return add


def _full_community(i: int) -> None:
    category = CategoryFactory.create()
    c = community_with(members=2, category=category, state=CommunityHealth.State.DORMANT if i % 2 else "steady")
    add_member(c, Role.MANAGER)
    figures(c)
    CoordinatorNote.objects.create(manager=Membership.objects.get(community=c, role=Role.OWNER).user, text="n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("communities:console_overview", 7),  # with when the health scores were computed
        ("communities:console_community_list", 4),
        ("communities:console_portfolio", 7),
    ],
)
def test_console_pages_have_constant_query_counts(staff, name: str, expected: int) -> None:
    client = client_for(staff)
    url = reverse(name)
    assert_constant_queries(add_rows=_grow(staff, _full_community), action=lambda: client.get(url), expected=expected)


def test_export_has_constant_query_count(staff) -> None:
    client = client_for(staff)
    url = reverse("communities:console_export")
    assert_constant_queries(
        add_rows=_grow(staff, _full_community), action=lambda: csv_rows(client.get(url)), expected=2
    )


def test_community_detail_has_constant_query_count(staff) -> None:
    community = community_with(members=1)
    client = client_for(staff)
    url = reverse("communities:console_community", args=[community.pk])

    def add(n: int) -> None:
        for _ in range(n):
            person = add_member(community, Role.MANAGER)
            community_with(owner=person)
            HandoverRecord.objects.create(community=community, to_user=person, by=staff)

    # no query for merge targets any more: they are searched on the merge page (issue 18, item 14)
    assert_constant_queries(add_rows=add, action=lambda: client.get(url), expected=9)


def test_manager_handover_and_case_pages_have_constant_query_counts(staff) -> None:
    community = community_with(members=1)
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    campaign_start(actor=staff)
    case = CampaignCase.objects.get()
    client = client_for(staff)
    owner_client = client_for(owner)

    def add(n: int) -> None:
        for _ in range(n):
            CoordinatorNote.objects.create(manager=owner, author=staff, text="n", next_action="call")
            add_member(community)

    manager_url = reverse("communities:console_manager", args=[owner.pk])
    handover_url = reverse("communities:console_handover", args=[community.pk])
    case_url = reverse("communities:console_case_answer", args=[case.pk])
    assert_constant_queries(add_rows=add, action=lambda: client.get(manager_url), expected=3)
    assert_constant_queries(add_rows=add, action=lambda: owner_client.get(handover_url), expected=6)
    assert_constant_queries(add_rows=add, action=lambda: owner_client.get(case_url), expected=3)


def test_size_filter_offers_labels_smallest_first(staff) -> None:
    """The size filter names member ranges, not the stored codes ("s", "xs"), in size order."""
    for code in ("xl", "s", "xs"):
        community = community_with(name=f"Size {code}")
        CommunityHealth.objects.filter(community=community).update(size_class=code)
    response = client_for(staff).get(reverse("communities:console_community_list"), {"size": "s"})
    assert response.context["choices"]["sizes"] == [
        ("xs", "fewer than 10 members"),
        ("s", "10 to 49 members"),
        ("xl", "1000 or more members"),
    ]
    html = response.content.decode()
    assert '<option value="s" selected>10 to 49 members</option>' in html
    assert ">xs<" not in html and ">s<" not in html
    assert [c.name for c in response.context["page"]] == ["Size s"]


def test_note_due_date_is_an_iso_text_input_and_parses_iso(staff) -> None:
    """The "Due" field shows and takes 2026-12-31 in every browser (no native mm/dd/yyyy picker)."""
    community = community_with()
    owner = Membership.objects.get(community=community, role=Role.OWNER).user
    url = reverse("communities:console_manager", args=[owner.pk])
    client = client_for(staff)
    page = client.get(url).content.decode()
    match = re.search(r'<input[^>]*name="next_action_due"[^>]*>', page)
    assert match is not None
    field = match.group(0)
    assert 'type="text"' in field and 'placeholder="YYYY-MM-DD"' in field and 'type="date"' not in page
    assert client.post(url, with_key(text="Call", next_action="Call", next_action_due="2026-12-31")).status_code == 302
    assert CoordinatorNote.objects.get().next_action_due == dt.date(2026, 12, 31)
    bad = client.post(url, with_key(text="Call", next_action="Call", next_action_due="12/31/2026"))
    assert bad.status_code == 400 and CoordinatorNote.objects.count() == 1
