"""The managers' health page and the "What is measured" pages: who sees what, privacy, queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from communities.health.permissions import (
    can_view_community_health,
)
from communities.models import Category, Community, CommunityDayFigures, CommunityHealth, CoordinatorScope, Membership
from intranet.accounts.models import User
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.communities.core.views.helpers import add_member, make_community, make_user
from tests.communities.factories import CategoryFactory, CommunityFactory
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

Role = Membership.Role
SEES_FIGURES = {"manager", "owner", "coordinator", "scoped_in"}


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.PRIVACY_MIN_GROUP_SIZE = 5


def health_url(community: Community) -> str:
    return reverse("communities:community_health", kwargs={"slug": community.slug})


def measures_url(community: Community) -> str:
    return reverse("communities:community_health_measures", kwargs={"slug": community.slug})


def scoped_coordinator(*, categories: list[Category] = (), communities: list[Community] = ()) -> User:  # type: ignore[assignment]
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    scope = CoordinatorScope.objects.create(user=user)
    scope.categories.set(categories)
    scope.communities.set(communities)
    return user  # type: ignore[no-any-return]


def add_days(community: Community, n: int, **values: int) -> None:
    today = timezone.localdate()
    CommunityDayFigures.objects.bulk_create(
        CommunityDayFigures(community=community, day=today - dt.timedelta(days=i + 1), **values) for i in range(n)
    )


@pytest.mark.parametrize("kind", VIEWER_KINDS)
@pytest.mark.parametrize("visibility", [Community.Visibility.PUBLIC, Community.Visibility.SECRET])
def test_permission_matrix(kind: str, visibility: str) -> None:
    community = CommunityFactory.create(visibility=visibility)
    CommunityHealth.objects.create(community=community, score=50)
    add_days(community, 1)
    viewer = make_viewer(kind, community)
    allowed = can_view_community_health(viewer, community)
    assert allowed is (kind in SEES_FIGURES)


@pytest.mark.parametrize(
    "kind", ["employee", "member", "moderator", "banned", "pending", "other_manager", "scoped_out"]
)
def test_others_get_404_like_a_missing_community(client: Any, kind: str) -> None:
    community = CommunityFactory.create()
    viewer = make_viewer(kind, community)
    client.force_login(viewer.user)
    assert client.get(health_url(community)).status_code == 404
    assert client.get("/communities/no-such-community/health/").status_code == 404


def test_anonymous_is_sent_to_login(client: Any) -> None:
    community = CommunityFactory.create()
    response = client.get(health_url(community))
    assert response.status_code == 302 and "login" in response["Location"]


def test_scoped_coordinator_sees_only_the_scope(client: Any) -> None:
    category = CategoryFactory.create()
    inside = CommunityFactory.create(category=category)
    listed = CommunityFactory.create()
    outside = CommunityFactory.create()
    coordinator = scoped_coordinator(categories=[category], communities=[listed])
    client.force_login(coordinator)
    assert client.get(health_url(inside)).status_code == 200
    assert client.get(health_url(listed)).status_code == 200
    assert client.get(health_url(outside)).status_code == 404


def test_manager_page_shows_state_explanation_suggestions_and_chart(client: Any) -> None:
    owner = make_user()
    community = make_community(owner, name="Potters", join_policy=Community.JoinPolicy.REQUEST)
    manager = add_member(community, role=Role.MANAGER)
    CommunityHealth.objects.create(
        community=community,
        state=CommunityHealth.State.SLOWING,
        score=41,
        size_class="xs",
        explanation=[{"code": "slowing", "params": {"before": 20.0, "recent": 4.5, "percent": 78}}],
        trend=list(range(12)),
    )
    add_days(community, 3, members=3, active_7d=2, active_30d=7, joins=1, posts=4, comments=9)
    from communities.core import services
    from communities.models import Post
    from communities.posts import services as post_services

    asker = add_member(community)
    old = timezone.now() - dt.timedelta(days=20)
    post_services.post_create(actor=asker, community=community, kind=Post.Kind.QUESTION, title="Kiln?", body="Which?")
    Post.objects.filter(community=community).update(created_at=old)
    services.membership_request(actor=make_user(), community=community)
    client.force_login(manager)
    html = client.get(health_url(community)).content.decode()
    assert "Slowing down" in html and "41 of 100" in html
    assert "Activity fell by 78 % over the last 4 weeks" in html
    assert "1 question unanswered for more than 3 days." in html
    assert "No post in 20 days." in html
    assert "1 join request waiting." in html
    assert 'data-chart="health-trend-data"' in html and 'id="health-trend-data"' in html
    assert "dist/js/charts.js" in html
    table = html[html.index('id="health-days"') :]
    # People counts below 5 are masked; content counts are exact; 7 active people are shown.
    # 3 members, 2 active in 7 days and 1 join a day are masked; 7 active in 30 days and the content
    # counts are exact; 0 leaves stays 0.
    assert table.count("&lt; 5</td>") == 3 * 3
    assert "means fewer than 5 people" in html
    assert ">7<" in table and ">9<" in table


def test_page_without_figures_has_empty_states(client: Any) -> None:
    owner = make_user()
    community = make_community(owner)
    client.force_login(owner)
    html = client.get(health_url(community)).content.decode()
    assert 'id="health-empty"' in html and 'id="health-days-empty"' in html
    assert "No post yet" in html


def test_query_count_is_pinned_and_does_not_grow_with_days(client: Any) -> None:
    owner = make_user()
    community = make_community(owner)
    CommunityHealth.objects.create(community=community, score=50, trend=[1] * 12)
    client.force_login(owner)
    client.get(health_url(community))  # warm the session and content types
    day = [0]

    def add_rows(n: int) -> None:
        for _ in range(n):
            day[0] += 1
            CommunityDayFigures.objects.create(
                community=community, day=timezone.localdate() - dt.timedelta(days=day[0]), members=10
            )

    # session user, viewer's permissions and memberships, community, health, figures, live suggestions
    assert_constant_queries(
        add_rows=add_rows, action=lambda: client.get(health_url(community)), small=1, large=6, expected=6
    )


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_measures_page_is_for_everyone_who_sees_the_community(client: Any, kind: str) -> None:
    community = make_community(make_user(display_name="Olga Owner"), visibility=Community.Visibility.SECRET)
    viewer = make_viewer(kind, community)
    if viewer.user_id:
        client.force_login(viewer.user)
    response = client.get(measures_url(community))
    if kind == "anonymous":
        assert response.status_code == 302
        return
    sees = kind in {"member", "moderator", "manager", "owner", "coordinator", "scoped_in", "invited"}
    assert response.status_code == (200 if sees else 404)
    if sees:
        html = response.content.decode()
        assert "Olga Owner" in html and "Who sees the figures" in html
        assert ("Health</a>" in html) is (kind in SEES_FIGURES)


def test_general_measures_page(client: Any) -> None:
    client.force_login(make_user())
    html = client.get(reverse("communities:health_measures")).content.decode()
    assert "Community health: what is measured" in html
    assert "fewer than 5" in html and "Daily figures are deleted after 400 days." in html
    assert "Median time to first answer" in html


def test_measures_page_query_count_does_not_grow_with_managers(client: Any) -> None:
    owner = make_user()
    community = make_community(owner)
    client.force_login(make_user())

    def add_rows(n: int) -> None:
        for _ in range(n):
            add_member(community, role=Role.MANAGER)

    # session user, community, owners and managers with their users, then the viewer's memberships
    # and model permissions (for the link to the figures)
    assert_constant_queries(
        add_rows=add_rows, action=lambda: client.get(measures_url(community)), small=1, large=6, expected=4
    )
