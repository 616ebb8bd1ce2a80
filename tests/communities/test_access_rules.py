"""The one-home access rules seen from production: feed, search, mentions, inbox escalation,
the saved-reply picker and handover ask the rules of ``communities.core.permissions``, so a
coordinator's scope holds everywhere.

Each test would fail if a call site re-encoded the rule without the scope (or the superuser), or if
the rule itself lost it (the mutations M1, M3, M4 of the layout review).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from communities.core.permissions import coordinator_ids_for
from communities.inbox.hooks import inbox_recipient_ids
from communities.inbox.permissions import can_use_saved_replies
from communities.lifecycle.handover import successor_suggestions
from communities.models import Category, Community, CoordinatorScope, Membership
from communities.posts.feed import post_list_for_feed
from communities.posts.search import post_queryset_for_search
from communities.posts.services.posts import render_for_community
from communities.templatetags.inbox_tags import offers_saved_replies
from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.communities.posts.feed.helpers import follow, make_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility
Role = Membership.Role


def scoped_coordinator(category: Category, **fields: object) -> User:
    user: User = UserFactory.create(**fields)
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    CoordinatorScope.objects.create(user=user).categories.set([category])
    return user


@pytest.fixture
def world() -> dict[str, object]:
    """Secret and private communities inside one category and outside it, and coordinators."""
    inside, outside = CategoryFactory.create(), CategoryFactory.create()
    return {
        "inside": scoped_coordinator(inside, handle="inside"),
        "outside": scoped_coordinator(outside, handle="outside"),
        "superuser": UserFactory.create(is_superuser=True, handle="root"),
        "secret_in": CommunityFactory.create(visibility=Visibility.SECRET, category=inside),
        "private_in": CommunityFactory.create(visibility=Visibility.PRIVATE, category=inside),
        "secret_out": CommunityFactory.create(visibility=Visibility.SECRET, category=outside),
        "private_out": CommunityFactory.create(visibility=Visibility.PRIVATE, category=outside),
    }


def test_feed_shows_followed_colleagues_inside_the_scope_only(world):
    colleague = UserFactory.create()
    follow(world["inside"], colleague)
    shown = {make_post(world[name], colleague).pk for name in ("secret_in", "private_in")}
    for name in ("secret_out", "private_out"):
        make_post(world[name], colleague)
    make_post(CommunityFactory.create(), colleague)  # public: everyone reads it
    page = post_list_for_feed(viewer=Viewer(world["inside"]), page_size=10)
    public = {p.pk for p in page if p.community.visibility == Visibility.PUBLIC}
    assert {p.pk for p in page} == shown | public and len(public) == 1


def test_post_search_finds_posts_inside_the_scope_only(world):
    def write(*names: str) -> set[int]:
        return {make_post(world[name], title="Wasserstoff").pk for name in names}

    inside, outside = write("secret_in", "private_in"), write("secret_out", "private_out")
    for who, expected in (("inside", inside), ("outside", outside), ("superuser", inside | outside)):
        hits = post_queryset_for_search(viewer=Viewer(world[who]), text="wasserstoff")
        assert set(hits.values_list("pk", flat=True)) == expected, who


def test_mentions_link_coordinators_inside_the_scope_only(world):
    _rendered, mentioned = render_for_community("Hello @inside @outside @root", world["secret_in"])
    assert set(mentioned) == {"inside", "root"}
    _rendered, mentioned = render_for_community("Hello @inside @outside @root", world["secret_out"])
    assert set(mentioned) == {"outside", "root"}


def test_escalations_reach_coordinators_inside_the_scope_and_superusers(world):
    moderator = UserFactory.create()
    MembershipFactory.create(user=moderator, community=world["secret_in"], role=Role.MODERATOR)
    staff = UserFactory.create(is_staff=True)
    UserFactory.create(is_staff=True, is_active=False)
    everyone = {staff.pk, world["superuser"].pk}
    assert inbox_recipient_ids([world["secret_in"].pk]) == {moderator.pk}
    assert inbox_recipient_ids([world["secret_in"].pk], escalated=True) == {moderator.pk, world["inside"].pk} | everyone
    assert inbox_recipient_ids([world["secret_out"].pk], escalated=True) == {world["outside"].pk} | everyone
    assert coordinator_ids_for(world["private_out"]) == sorted({world["outside"].pk} | everyone)


def test_successor_suggestions_put_certified_members_first():
    from tests.training.factories import ProgrammeFactory
    from training.models import Certificate

    community = CommunityFactory.create()
    MembershipFactory.create(community=community, role=Role.OWNER)
    busy, certified = UserFactory.create(), UserFactory.create()
    for user in (busy, certified):
        MembershipFactory.create(user=user, community=community)
    for _ in range(3):
        make_post(community, busy)
    certificate = Certificate.objects.create(user=certified, programme=ProgrammeFactory.create())
    first, second = successor_suggestions(community)
    assert (first.user, first.certificates, first.qualified) == (certified, [certificate], True)
    assert (second.user, second.certificates, second.qualified) == (busy, [], False)


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_saved_reply_picker_follows_the_inbox_rule(kind):
    community = CommunityFactory.create(visibility=Visibility.PRIVATE)
    viewer = make_viewer(kind, community)
    expected = kind in {"moderator", "manager", "owner", "coordinator", "scoped_in"}
    assert offers_saved_replies(viewer, community) is can_use_saved_replies(viewer, community) is expected
