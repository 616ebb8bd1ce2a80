"""The canvas screens over HTTP: the permission matrix (with no side effect on denial), saving and
the conflict screen, history, version, diff, print, comments, escaping and pinned query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.canvas.services import canvas_comment_add
from communities.canvas.themes import THEME_KEYS
from communities.models import CanvasComment, CanvasVersion, Community, CommunityCanvas
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from tests.communities.canvas.helpers import KINDS, full_answers, make_community, make_manager, make_user, save
from tests.communities.conftest import snapshot
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

VISIBILITIES = [Community.Visibility.PUBLIC, Community.Visibility.PRIVATE, Community.Visibility.SECRET]
READERS = {"member", "moderator", "manager", "owner", "coordinator", "scoped_in"}
EDITORS = {"manager", "owner"}
REVIEWERS = {"coordinator", "scoped_in"}


def url(community: Community, name: str = "canvas_detail", **kwargs: Any) -> str:
    return reverse(f"communities:{name}", kwargs={"slug": community.slug, **kwargs})


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form_data(base: int, **answers: str) -> dict[str, Any]:
    return {"base_version": base, **{key: answers.get(key, "") for key in THEME_KEYS}}


def canvas_state() -> dict[str, Any]:
    return {
        **snapshot(),
        "canvases": list(CommunityCanvas.objects.order_by("pk").values_list("pk", "version_number", "answers")),
        "versions": CanvasVersion.objects.count(),
        "comments": list(CanvasComment.objects.order_by("pk").values_list("pk", "is_resolved")),
    }


def expected(kind: str, allowed: set[str], *, readable_denial: int = 403) -> int:
    if kind == "anonymous":
        return 302
    if kind in allowed:
        return 200
    return readable_denial if kind in READERS else 404


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("kind", KINDS)
def test_http_matrix(kind, visibility):
    community = make_community(visibility, slug="matrix")
    manager = make_manager(community)
    save(manager, community, {"purpose": "Why we exist"}, base=0)
    comment = canvas_comment_add(actor=Viewer(make_user("coordinator", community)), community=community, text="Hm")
    client = client_for(make_user(kind, community))
    before = canvas_state()

    for name, kwargs in (
        ("canvas_detail", {}),
        ("canvas_history", {}),
        ("canvas_version", {"number": 1}),
        ("canvas_diff", {}),
        ("canvas_print", {}),
    ):
        assert client.get(url(community, name, **kwargs)).status_code == expected(kind, READERS), name
    assert client.get(url(community, "canvas_edit")).status_code == expected(kind, EDITORS)

    response = client.post(url(community, "canvas_edit"), form_data(1, purpose="Changed by " + kind))
    assert response.status_code == (302 if kind in EDITORS else expected(kind, EDITORS))
    response = client.post(url(community, "canvas_comment_create"), with_key(text="Review by " + kind))
    assert response.status_code == (302 if kind in REVIEWERS else expected(kind, REVIEWERS))
    response = client.post(url(community, "canvas_comment_resolve", pk=comment.pk))
    # Coordinators see the comment but it is not theirs (403); members do not even see comments (404).
    denied = 403 if kind in REVIEWERS else expected(kind, set(), readable_denial=404)
    assert response.status_code == (302 if kind in EDITORS else denied)

    if kind not in EDITORS | REVIEWERS:
        assert canvas_state() == before  # no side effect of any denied request
    if kind in EDITORS:
        assert CanvasVersion.objects.filter(canvas_id=community.pk).count() == 2
        assert CanvasComment.objects.get(pk=comment.pk).is_resolved
    if kind in REVIEWERS:
        assert CanvasVersion.objects.filter(canvas_id=community.pk).count() == 1
        assert CanvasComment.objects.filter(text="Review by " + kind).exists()


def test_missing_community_and_secret_community_look_the_same():
    secret = make_community(Community.Visibility.SECRET)
    client = client_for(make_user("employee", secret))
    missing = client.get(reverse("communities:canvas_detail", kwargs={"slug": "no-such-community"}))
    hidden = client.get(url(secret))
    assert missing.status_code == hidden.status_code == 404


def test_manager_saves_twice_then_sees_history_version_and_diff():
    community = make_community()
    manager = make_manager(community)
    client = client_for(manager)
    response = client.post(url(community, "canvas_edit"), form_data(0, purpose="We grow vegetables."))
    assert response.status_code == 302 and response["Location"] == url(community)
    response = client.post(
        url(community, "canvas_edit"), form_data(1, purpose="We grow vegetables and herbs.", rituals="Weekly harvest")
    )
    assert response.status_code == 302
    assert CommunityCanvas.objects.get(pk=community.pk).version_number == 2

    history = client.get(url(community, "canvas_history")).content.decode()
    assert 'data-version="2"' in history and 'data-version="1"' in history
    v1 = client.get(url(community, "canvas_version", number=1)).content.decode()
    assert "We grow vegetables." in v1 and "Weekly harvest" not in v1
    diff = client.get(url(community, "canvas_diff") + "?from=1&to=2").content.decode()
    assert "<del>vegetables.</del><ins>vegetables and herbs.</ins>" in diff
    assert "<ins>Weekly harvest</ins>" in diff
    assert client.get(url(community, "canvas_version", number=3)).status_code == 404
    assert client.get(url(community, "canvas_diff") + "?from=1&to=9").status_code == 404
    assert client.get(url(community, "canvas_diff") + "?from=x").status_code == 404


def test_conflict_keeps_the_editors_text_and_explains():
    community = make_community()
    anna, ben = make_manager(community), make_manager(community)
    save(anna, community, {"purpose": "Anna's first purpose"}, base=0)
    save(anna, community, {"purpose": "Anna's second purpose"}, base=1)

    response = client_for(ben).post(
        url(community, "canvas_edit"), form_data(1, purpose="Ben's purpose", values="Ben's values")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="canvas-conflict"' in page
    assert "Ben&#x27;s purpose</textarea>" in page and "Ben&#x27;s values</textarea>" in page
    assert 'data-changed-by-others="purpose"' in page
    assert "<p>Anna's second purpose</p>" in page
    assert 'name="base_version" value="2"' in page
    assert CanvasVersion.objects.count() == 2

    # Saving again after seeing the conflict builds on the newest version on purpose.
    response = client_for(ben).post(url(community, "canvas_edit"), form_data(2, purpose="Merged purpose"))
    assert response.status_code == 302
    assert CommunityCanvas.objects.get(pk=community.pk).answers["purpose"] == "Merged purpose"


def test_unchanged_save_shows_a_form_error():
    community = make_community()
    manager = make_manager(community)
    save(manager, community, {"purpose": "Same"}, base=0)
    response = client_for(manager).post(url(community, "canvas_edit"), form_data(1, purpose="Same"))
    assert response.status_code == 200
    assert "Nothing has changed" in response.content.decode()


def test_answers_are_rendered_as_sanitized_markdown_and_diffs_escape_html():
    community = make_community()
    manager = make_manager(community)
    save(manager, community, {"purpose": "**Bold** idea"}, base=0)
    save(manager, community, {"purpose": "**Bold** idea <script>alert(1)</script> [x](javascript:alert(2))"}, base=1)
    client = client_for(manager)
    page = client.get(url(community)).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page
    diff = client.get(url(community, "canvas_diff")).content.decode()
    assert "<script>alert(1)" not in diff
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff


def test_print_page_has_every_theme_version_and_date():
    community = make_community()
    manager = make_manager(community)
    save(manager, community, full_answers(), base=0)
    save(manager, community, {**full_answers(), "purpose": "Printed purpose text for paper."}, base=1)
    page = client_for(manager).get(url(community, "canvas_print")).content.decode()
    assert page.count('class="mb-3 canvas-print-theme"') == 16
    assert "Version 2 of" in page and "Printed purpose text for paper." in page
    older = client_for(manager).get(url(community, "canvas_print") + "?version=1").content.decode()
    assert "Version 1 of" in older and "Printed purpose text" not in older


def test_stage_aware_mode_for_new_communities():
    young = make_community(created_at=timezone.now() - dt.timedelta(days=5), member_count=40)
    grown = make_community(created_at=timezone.now() - dt.timedelta(days=500), member_count=40)
    for community, is_new in ((young, True), (grown, False)):
        client = client_for(make_manager(community))
        page = client.get(url(community)).content.decode()
        assert ('id="canvas-stage-note"' in page) == is_new
        assert ('id="canvas-more-themes"' in page) == is_new
        edit = client.get(url(community, "canvas_edit")).content.decode()
        assert ('id="canvas-more-themes"' in edit) == is_new
        if is_new:
            first, _, rest = page.partition('id="canvas-more-themes"')
            assert 'id="theme-purpose"' in first and 'id="theme-channels"' in first
            assert 'id="theme-brand"' in rest and 'id="theme-brand"' not in first


def test_comments_shown_to_managers_and_coordinators_not_members():
    community = make_community()
    manager = make_manager(community)
    save(manager, community, {"purpose": "x"}, base=0)
    canvas_comment_add(actor=Viewer(make_user("coordinator", community)), community=community, text="Secret note")
    assert "Secret note" in client_for(manager).get(url(community)).content.decode()
    assert "Secret note" not in client_for(make_user("member", community)).get(url(community)).content.decode()
    assert "Secret note" in client_for(make_user("coordinator", community)).get(url(community)).content.decode()


def test_settings_page_links_to_the_canvas_for_managers():
    community = make_community()
    page = client_for(make_manager(community)).get(reverse("communities:community_settings", args=[community.slug]))
    assert url(community) in page.content.decode()


# Query counts -----------------------------------------------------------------------------------


@pytest.fixture
def busy():
    community = make_community()
    manager = make_manager(community)
    coordinator = make_user("coordinator", community)
    state = {"n": 0}

    def add_rows(n: int) -> None:
        for _ in range(n):
            state["n"] += 1
            number = state["n"]
            save(manager, community, {**full_answers(), "purpose": f"Purpose number {number} " * 5}, base=number - 1)
            canvas_comment_add(actor=Viewer(coordinator), community=community, text=f"Note {number}", theme="values")

    return community, manager, coordinator, add_rows


@pytest.mark.parametrize(
    ("name", "query", "who", "expected"),
    [
        # user, memberships (with permissions), community + canvas head, then the page's own rows
        ("canvas_detail", "", "manager", 4),
        ("canvas_detail", "", "coordinator", 4),  # staff: the role map query all the same
        ("canvas_edit", "", "manager", 3),
        ("canvas_history", "", "manager", 4),
        ("canvas_version", "1", "manager", 4),
        ("canvas_diff", "?from=1", "manager", 4),
        ("canvas_print", "", "manager", 4),
    ],
)
def test_pinned_query_counts_do_not_grow_with_versions_or_comments(busy, name, query, who, expected):
    community, manager, coordinator, add_rows = busy
    client = client_for(manager if who == "manager" else coordinator)
    target = url(community, name, number=1) if name == "canvas_version" else url(community, name) + query

    def action() -> None:
        assert client.get(target).status_code == 200

    assert_constant_queries(add_rows=add_rows, action=action, small=1, large=4, expected=expected)
    assert AuditEntry.objects.filter(action="community.canvas_comment").count() == 4
