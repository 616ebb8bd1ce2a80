"""Who sees and works which items: the predicate and its twin agree; outsiders see nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from communities.core import services
from communities.inbox import services as inbox_services
from communities.inbox.permissions import (
    can_view_inbox_item,
    can_work_inbox_item,
    inbox_items_for_viewer,
    visible_inbox_items,
)
from communities.models import Category, Community, CoordinatorScope, InboxItem, Membership
from intranet.core.viewer import Viewer
from tests.communities.inbox.conftest import add_person, open_for_post, write_post
from tests.factories import UserFactory

Kind = InboxItem.Kind
Role = Membership.Role

pytestmark = pytest.mark.django_db


def coordinator(*, communities: list[Community] = (), categories: list[Category] = ()):  # type: ignore[assignment]
    user = UserFactory.create()
    user.user_permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    if communities or categories:
        scope = CoordinatorScope.objects.create(user=user)
        scope.communities.set(communities)
        scope.categories.set(categories)
    return user


@pytest.fixture
def items(community, member, owner):
    """One item of each shape in ``community``: shared, join request, a personal mention."""
    post = write_post(member, community, title="Flagged")
    flagged = open_for_post(post)
    Community.objects.filter(pk=community.pk).update(join_policy=Community.JoinPolicy.REQUEST)
    community.refresh_from_db()
    services.membership_request(actor=UserFactory.create(), community=community)
    join = InboxItem.objects.get(kind=Kind.JOIN_REQUEST)
    mention_post = write_post(member, community, body=f"@{owner.handle} see this")
    mention = InboxItem.objects.get(kind=Kind.MENTION, post=mention_post)
    return {"flagged": flagged, "join": join, "mention": mention}


def _matrix(community, owner, manager, moderator, member, other_moderator, staff_user):
    category = Category.objects.create(name="Energy", slug="energy")
    Community.objects.filter(pk=community.pk).update(category=category)
    return {
        "owner": (owner, {"flagged", "join", "mention"}),
        "manager": (manager, {"flagged", "join"}),
        "moderator": (moderator, {"flagged"}),
        "member": (member, set()),
        "moderator elsewhere": (other_moderator, set()),
        "employee": (UserFactory.create(), set()),
        "staff": (staff_user, {"flagged", "join"}),
        "coordinator, all": (coordinator(), {"flagged", "join"}),
        "coordinator, in scope by category": (coordinator(categories=[category]), {"flagged", "join"}),
        "coordinator, in scope by list": (coordinator(communities=[community]), {"flagged", "join"}),
        "coordinator, outside scope": (coordinator(communities=[CommunityFactoryLike()]), set()),
    }


def CommunityFactoryLike() -> Community:
    return services.community_create(actor=UserFactory.create(), name="Elsewhere")


def test_view_matrix_and_twin_parity(
    items, community, owner, manager, moderator, member, other_moderator, staff_user
) -> None:
    for label, (user, expected) in _matrix(
        community, owner, manager, moderator, member, other_moderator, staff_user
    ).items():
        viewer = Viewer(user)
        seen = {name for name, item in items.items() if can_view_inbox_item(viewer, InboxItem.objects.get(pk=item.pk))}
        assert seen == expected, label
        twin = set(visible_inbox_items(Viewer(user)).values_list("pk", flat=True))
        assert twin == {items[name].pk for name in expected}, label


def test_inbox_list_shows_coordinators_only_escalated_items_of_their_scope(
    items, community, manager, staff_user
) -> None:
    inside = coordinator(communities=[community])
    outside = coordinator(communities=[CommunityFactoryLike()])
    for user in (staff_user, inside, outside):
        assert not inbox_items_for_viewer(Viewer(user)).exists()
    inbox_services.inbox_item_escalate(actor=manager, item=items["flagged"], reason="Need help")
    assert list(inbox_items_for_viewer(Viewer(staff_user)).values_list("pk", flat=True)) == [items["flagged"].pk]
    assert list(inbox_items_for_viewer(Viewer(inside)).values_list("pk", flat=True)) == [items["flagged"].pk]
    assert not inbox_items_for_viewer(Viewer(outside)).exists()
    # The scoped coordinator inside may work it (claim it); the one outside may not even see it.
    inbox_services.inbox_item_claim(actor=inside, item=items["flagged"])
    assert not can_view_inbox_item(Viewer(outside), items["flagged"])


def test_done_items_are_seen_but_not_worked(community, member, moderator) -> None:
    item = open_for_post(write_post(member, community))
    inbox_services.inbox_item_resolve(actor=moderator, item=item, action="dismissed")
    viewer = Viewer(moderator)
    assert can_view_inbox_item(viewer, item) and not can_work_inbox_item(viewer, item)


def test_inactive_roles_give_no_inbox(community, member) -> None:
    banned = add_person(community, Role.MEMBER, Membership.State.BANNED)
    item = open_for_post(write_post(member, community))
    assert not can_view_inbox_item(Viewer(banned), item)
    assert not visible_inbox_items(Viewer(banned)).exists()
