"""The rulebook of communities as tables: viewer kind x action x visibility (and lifecycle).

Y = allowed, . = denied. "join" is asked of an open community, "request" of one whose policy is
"on request"; every other column ignores the join policy.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import QuerySet

from communities.core import permissions as p
from communities.models import Community, Membership
from intranet.accounts.models import User
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.communities.factories import CategoryFactory, CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries, pin_queries

Visibility = Community.Visibility
Role = Membership.Role
State = Membership.State

ACTIONS = [
    "view",
    "read",
    "join",
    "request",
    "post",
    "comment",
    "react",
    "moderate",
    "manage",
    "settings",
    "archive",
    "official",
    "leave",
    "accept",
]

EXPECTED_TABLES = {
    Visibility.PUBLIC: """
                   view read join request post comment react moderate manage settings archive official leave accept
    anonymous       .    .    .     .      .     .      .      .       .       .       .        .      .     .
    employee        Y    Y    Y     Y      .     Y      Y      .       .       .       .        .      .     .
    member          Y    Y    .     .      Y     Y      Y      .       .       .       .        .      Y     .
    moderator       Y    Y    .     .      Y     Y      Y      Y       .       .       .        .      Y     .
    manager         Y    Y    .     .      Y     Y      Y      Y       Y       Y       .        .      Y     .
    owner           Y    Y    .     .      Y     Y      Y      Y       Y       Y       Y        .      Y     .
    other_manager   Y    Y    Y     Y      .     Y      Y      .       .       .       .        .      .     .
    coordinator     Y    Y    Y     Y      .     Y      Y      Y       Y       Y       Y        Y      .     .
    scoped_in       Y    Y    Y     Y      .     Y      Y      Y       Y       Y       Y        Y      .     .
    scoped_out      Y    Y    Y     Y      .     Y      Y      .       .       .       .        .      .     .
    banned          Y    .    .     .      .     .      .      .       .       .       .        .      .     .
    pending         Y    Y    .     .      .     Y      Y      .       .       .       .        .      Y     .
    invited         Y    Y    .     .      .     Y      Y      .       .       .       .        .      Y     Y
    """,
    Visibility.PRIVATE: """
                   view read join request post comment react moderate manage settings archive official leave accept
    anonymous       .    .    .     .      .     .      .      .       .       .       .        .      .     .
    employee        Y    .    Y     Y      .     .      .      .       .       .       .        .      .     .
    member          Y    Y    .     .      Y     Y      Y      .       .       .       .        .      Y     .
    moderator       Y    Y    .     .      Y     Y      Y      Y       .       .       .        .      Y     .
    manager         Y    Y    .     .      Y     Y      Y      Y       Y       Y       .        .      Y     .
    owner           Y    Y    .     .      Y     Y      Y      Y       Y       Y       Y        .      Y     .
    other_manager   Y    .    Y     Y      .     .      .      .       .       .       .        .      .     .
    coordinator     Y    Y    Y     Y      .     .      .      Y       Y       Y       Y        Y      .     .
    scoped_in       Y    Y    Y     Y      .     .      .      Y       Y       Y       Y        Y      .     .
    scoped_out      Y    .    Y     Y      .     .      .      .       .       .       .        .      .     .
    banned          Y    .    .     .      .     .      .      .       .       .       .        .      .     .
    pending         Y    .    .     .      .     .      .      .       .       .       .        .      Y     .
    invited         Y    .    .     .      .     .      .      .       .       .       .        .      Y     Y
    """,
    Visibility.SECRET: """
                   view read join request post comment react moderate manage settings archive official leave accept
    anonymous       .    .    .     .      .     .      .      .       .       .       .        .      .     .
    employee        .    .    .     .      .     .      .      .       .       .       .        .      .     .
    member          Y    Y    .     .      Y     Y      Y      .       .       .       .        .      Y     .
    moderator       Y    Y    .     .      Y     Y      Y      Y       .       .       .        .      Y     .
    manager         Y    Y    .     .      Y     Y      Y      Y       Y       Y       .        .      Y     .
    owner           Y    Y    .     .      Y     Y      Y      Y       Y       Y       Y        .      Y     .
    other_manager   .    .    .     .      .     .      .      .       .       .       .        .      .     .
    coordinator     Y    Y    Y     Y      .     .      .      Y       Y       Y       Y        Y      .     .
    scoped_in       Y    Y    Y     Y      .     .      .      Y       Y       Y       Y        Y      .     .
    scoped_out      .    .    .     .      .     .      .      .       .       .       .        .      .     .
    banned          .    .    .     .      .     .      .      .       .       .       .        .      .     .
    pending         .    .    .     .      .     .      .      .       .       .       .        .      Y     .
    invited         Y    .    .     .      .     .      .      .       .       .       .        .      Y     Y
    """,
}

# Archived (read-only) public community: still seen and read, nothing written, except that
# moderators can still take content down and owners or coordinators can bring it back.
ARCHIVED_TABLE = """
                   view read join request post comment react moderate manage settings archive official leave accept
    anonymous       .    .    .     .      .     .      .      .       .       .       .        .      .     .
    employee        Y    Y    .     .      .     .      .      .       .       .       .        .      .     .
    member          Y    Y    .     .      .     .      .      .       .       .       .        .      Y     .
    moderator       Y    Y    .     .      .     .      .      Y       .       .       .        .      Y     .
    manager         Y    Y    .     .      .     .      .      Y       .       .       .        .      Y     .
    owner           Y    Y    .     .      .     .      .      Y       .       .       Y        .      Y     .
    other_manager   Y    Y    .     .      .     .      .      .       .       .       .        .      .     .
    coordinator     Y    Y    .     .      .     .      .      Y       .       .       Y        Y      .     .
    scoped_in       Y    Y    .     .      .     .      .      Y       .       .       Y        Y      .     .
    scoped_out      Y    Y    .     .      .     .      .      .       .       .       .        .      .     .
    banned          Y    .    .     .      .     .      .      .       .       .       .        .      .     .
    pending         Y    Y    .     .      .     .      .      .       .       .       .        .      Y     .
    invited         Y    Y    .     .      .     .      .      .       .       .       .        .      Y     .
"""


def parse_table(table: str) -> dict[tuple[str, str], bool]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header == ACTIONS, header
    expected = {}
    for kind, *marks in rows:
        assert len(marks) == len(ACTIONS), kind
        expected.update({(kind, action): mark == "Y" for action, mark in zip(ACTIONS, marks, strict=True)})
    assert {kind for kind, _ in expected} == set(VIEWER_KINDS)
    return expected


EXPECTED = {visibility: parse_table(table) for visibility, table in EXPECTED_TABLES.items()}
EXPECTED_ARCHIVED = parse_table(ARCHIVED_TABLE)


def _with_policy(policy: str, predicate: Callable[[Viewer, Community], bool]) -> Callable[[Viewer, Community], bool]:
    def check(viewer: Viewer, community: Community) -> bool:
        community.join_policy = policy  # predicates are pure: an in-memory change is enough
        return predicate(viewer, community)

    return check


PREDICATES: dict[str, Callable[[Viewer, Community], bool]] = {
    "view": p.can_view_community,
    "read": p.can_read_community_content,
    "join": _with_policy(Community.JoinPolicy.OPEN, p.can_join_community),
    "request": _with_policy(Community.JoinPolicy.REQUEST, p.can_request_membership),
    "post": p.can_post_in_community,
    "comment": p.can_comment_in_community,
    "react": p.can_react_in_community,
    "moderate": p.can_moderate_community,
    "manage": p.can_manage_members,
    "settings": p.can_change_community_settings,
    "archive": p.can_archive_community,
    "official": p.can_set_official,
    "leave": p.can_leave_community,
    "accept": p.can_accept_invitation,
}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", list(EXPECTED_TABLES))
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_predicate_matrix(kind, action, visibility):
    community = CommunityFactory.create(visibility=visibility)
    viewer = make_viewer(kind, community)
    assert PREDICATES[action](viewer, community) is EXPECTED[visibility][(kind, action)]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_predicate_matrix_archived(kind, action):
    community = CommunityFactory.create(visibility=Visibility.PUBLIC)
    community.lifecycle = Community.Lifecycle.ARCHIVED
    viewer = make_viewer(kind, community)
    assert PREDICATES[action](viewer, community) is EXPECTED_ARCHIVED[(kind, action)]


@pytest.mark.django_db
def test_coordinator_by_permission_through_a_group_equals_staff():
    community = CommunityFactory.create(visibility=Visibility.SECRET)
    group = Group.objects.create(name="Community coordinators")
    group.permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    user = UserFactory.create()
    user.groups.add(group)
    viewer = Viewer(user)
    assert p.is_coordinator(viewer, community)
    assert all(PREDICATES[a](viewer, community) is EXPECTED[Visibility.SECRET][("coordinator", a)] for a in ACTIONS)


@pytest.mark.django_db
def test_inactive_account_is_treated_as_signed_out():
    community = CommunityFactory.create()
    user = UserFactory.create(is_active=False, is_staff=True)
    MembershipFactory.create(user=user, community=community, role=Role.OWNER)
    viewer = Viewer(user)
    assert not any(PREDICATES[a](viewer, community) for a in ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("restricted", "kind", "allowed"),
    [
        (False, "anonymous", False),
        (False, "employee", True),
        (True, "employee", False),
        (True, "coordinator", True),
        (True, "scoped_in", True),
        (True, "scoped_out", True),
        (True, "add_permission", True),
    ],
)
def test_can_create_community(settings, restricted, kind, allowed):
    settings.COMMUNITY_CREATION_RESTRICTED = restricted
    if kind == "add_permission":
        user = UserFactory.create()
        user.user_permissions.add(Permission.objects.get(codename="add_community"))
        viewer = Viewer(user)
    else:
        viewer = make_viewer(kind, CommunityFactory.create())
    assert p.can_create_community(viewer) is allowed


# Roles: who may give whom which role -----------------------------------------------------------

ROLE_TABLE = """
    actor        target      ->owner ->manager ->moderator ->member
    owner        manager       Y       Y          Y          Y
    owner        moderator     Y       Y          Y          Y
    owner        member        Y       Y          Y          Y
    owner        owner         Y       Y          Y          Y
    manager      owner         .       .          .          .
    manager      manager       .       .          .          .
    manager      moderator     .       .          Y          Y
    manager      member        .       .          Y          Y
    moderator    member        .       .          .          .
    member       member        .       .          .          .
    coordinator  owner         Y       Y          Y          Y
    coordinator  member        Y       Y          Y          Y
    scoped_in    owner         Y       Y          Y          Y
    scoped_in    member        Y       Y          Y          Y
    scoped_out   member        .       .          .          .
"""


def _role_rows():
    lines = [line.split() for line in ROLE_TABLE.strip().splitlines()][1:]
    for actor, target, *marks in lines:
        for new_role, mark in zip(["owner", "manager", "moderator", "member"], marks, strict=True):
            yield actor, target, new_role, mark == "Y"


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "target", "new_role", "allowed"), list(_role_rows()))
def test_can_change_role(actor, target, new_role, allowed):
    community = CommunityFactory.create()
    viewer = make_viewer(actor, community)
    membership = MembershipFactory.create(community=community, role=target)
    assert p.can_change_role(viewer, membership, new_role) is allowed


@pytest.mark.django_db
def test_roles_only_change_on_active_memberships_and_to_real_roles():
    community = CommunityFactory.create()
    owner = make_viewer("owner", community)
    pending = MembershipFactory.create(community=community, state=State.PENDING)
    member = MembershipFactory.create(community=community)
    assert not p.can_change_role(owner, pending, Role.MODERATOR)
    assert not p.can_change_role(owner, member, "emperor")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("owner", Role.OWNER, True),
        ("owner", Role.MANAGER, True),
        ("manager", Role.MANAGER, False),
        ("manager", Role.OWNER, False),
        ("manager", Role.MODERATOR, True),
        ("manager", Role.MEMBER, True),
        ("moderator", Role.MEMBER, False),
        ("coordinator", Role.OWNER, True),
        ("scoped_in", Role.OWNER, True),
        ("scoped_out", Role.MEMBER, False),
        ("other_manager", Role.MEMBER, False),
    ],
)
def test_remove_and_ban_follow_rank(actor, target, allowed):
    community = CommunityFactory.create()
    viewer = make_viewer(actor, community)
    membership = MembershipFactory.create(community=community, role=target)
    assert p.can_remove_member(viewer, membership) is allowed
    assert p.can_ban_member(viewer, community, membership) is allowed


@pytest.mark.django_db
def test_nobody_removes_or_bans_themselves_and_bans_are_lifted_not_removed():
    community = CommunityFactory.create()
    owner = make_viewer("owner", community)
    own = Membership.objects.get(user=owner.user.pk)
    banned = MembershipFactory.create(community=community, role=Role.MEMBER, state=State.BANNED)
    assert not p.can_remove_member(owner, own)
    assert not p.can_ban_member(owner, community, own)
    assert not p.can_remove_member(owner, banned)
    assert p.can_unban_member(owner, banned)
    assert p.can_ban_member(owner, community, None)  # someone without a row


# Parity: predicates and their queryset twins ---------------------------------------------------


def _readable_by_sql(viewer: Viewer, ids: list[int]) -> set[int]:
    """The communities among ``ids`` that the feed's SQL fragment lets through."""
    fragment = p.readable_community_sql(viewer, "c")
    if fragment is None:
        return set(ids)
    condition, params = fragment
    table = Community._meta.db_table
    with connection.cursor() as db:
        db.execute(f"SELECT c.id FROM {table} AS c WHERE c.id = ANY(%(ids)s) AND {condition}", {"ids": ids, **params})  # noqa: S608
        return {row[0] for row in db.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_visible_and_readable_twins_agree_with_predicates(kind):
    """For every visibility x lifecycle x join policy, inside and outside a coordinator's scope
    (two categories), each twin lists exactly what its predicate allows, and so does the feed's SQL."""
    categories = CategoryFactory.create_batch(2)
    communities = []
    for visibility in Visibility.values:
        for lifecycle in Community.Lifecycle.values:
            for policy in Community.JoinPolicy.values:
                for category in categories:
                    community = CommunityFactory.create(visibility=visibility, join_policy=policy, category=category)
                    if lifecycle == Community.Lifecycle.ARCHIVED:
                        Community.objects.filter(pk=community.pk).update(
                            lifecycle=lifecycle, archived_at=community.created_at
                        )
                    communities.append(community)
    # One person related to all of them the same way, so each (kind, community) pair is a case;
    # a scoped coordinator's scope covers the first category only.
    template = make_viewer(kind, communities[0])
    if template.user_id is not None:
        row = Membership.objects.filter(user_id=template.user_id, community=communities[0]).first()
        if row is not None:
            Membership.objects.bulk_create(
                Membership(user_id=template.user_id, community=c, role=row.role, state=row.state)
                for c in communities[1:]
            )
    fresh = list(Community.objects.filter(pk__in=[c.pk for c in communities]))
    viewer = Viewer(template.user)
    ids = [c.pk for c in fresh]

    def listed(twin: Callable[[Viewer, QuerySet[Community]], QuerySet[Community]]) -> set[int]:
        return set(twin(viewer, Community.objects.filter(pk__in=ids)).values_list("pk", flat=True))

    assert listed(p.visible_communities) == {c.pk for c in fresh if p.can_view_community(viewer, c)}
    readable = {c.pk for c in fresh if p.can_read_community_content(viewer, c)}
    assert listed(p.readable_communities) == readable
    assert _readable_by_sql(viewer, ids) == readable
    assert listed(p.moderated_communities) == {c.pk for c in fresh if p.can_moderate_community(viewer, c)}
    assert listed(p.coordinated_communities) == {c.pk for c in fresh if p.coordinates_community(viewer, c)}
    if kind.startswith("scoped"):  # the scope really splits the communities
        assert 0 < len(readable) < len(fresh)
    assert len(fresh) == 36


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", Visibility.values)
def test_coordinator_ids_for_is_the_reverse_of_coordinates_community(visibility):
    """Every viewer kind (scoped coordinators inside and outside, a group holder, a superuser, an
    inactive staff account): ``coordinator_ids_for`` lists exactly those who coordinate it."""
    community = CommunityFactory.create(visibility=visibility, category=CategoryFactory.create())
    for kind in VIEWER_KINDS:
        make_viewer(kind, community)
    group = Group.objects.create(name="Coordinators")
    group.permissions.add(Permission.objects.get(codename="coordinate", content_type__app_label="communities"))
    UserFactory.create().groups.add(group)
    UserFactory.create(is_superuser=True)
    UserFactory.create(is_staff=True, is_active=False)
    expected = {u.pk for u in User.objects.all() if p.coordinates_community(Viewer(u), community)}
    assert p.coordinator_ids_for(community) == sorted(expected)
    assert len(expected) == 4  # staff, scoped_in, the group holder, the superuser


@pytest.mark.django_db
def test_twins_default_to_all_communities_and_hide_everything_from_anonymous():
    CommunityFactory.create_batch(2)
    assert p.visible_communities(make_viewer("anonymous", CommunityFactory.create())).count() == 0
    assert p.readable_communities(make_viewer("coordinator", CommunityFactory.create())).count() == 4


# Query cost ------------------------------------------------------------------------------------


def _ask_everything(viewer: Viewer, communities: list[Community], memberships: list[Membership]) -> None:
    for community in communities:
        for predicate in PREDICATES.values():
            predicate(viewer, community)
    for membership in memberships:
        p.can_change_role(viewer, membership, Role.MODERATOR)
        p.can_remove_member(viewer, membership)
        p.can_ban_member(viewer, membership.community, membership)


@pytest.mark.django_db
@pytest.mark.parametrize(("staff", "expected"), [(True, 1), (False, 1)])
def test_role_map_is_one_query_however_many_predicates(staff, expected):
    """One query loads the role map, the mutes and the model permissions, staff or not."""
    user = UserFactory.create(is_staff=staff)
    communities: list[Community] = []
    memberships: list[Membership] = []

    def add_rows(n: int) -> None:
        for i in range(n):
            community = CommunityFactory.create(visibility=Visibility.values[i % 3])
            MembershipFactory.create(user=user, community=community, role=Role.values[i % 4])
            memberships.append(MembershipFactory.create(community=community))
            communities.append(community)

    def ask() -> None:
        _ask_everything(Viewer(user), communities, memberships)

    assert_constant_queries(add_rows=add_rows, action=ask, expected=expected)
    viewer = Viewer(user)
    with pin_queries(expected) as ctx:
        for _ in range(3):
            _ask_everything(viewer, communities, memberships)
    assert sum("communities_membership" in q["sql"] for q in ctx.captured_queries) == 1


@pytest.mark.django_db
def test_forget_memberships_reloads_the_map():
    community = CommunityFactory.create()
    viewer = make_viewer("employee", community)
    assert p.can_join_community(viewer, community)
    MembershipFactory.create(user=viewer.user, community=community)
    assert p.can_join_community(viewer, community)  # cached map: still the old answer
    p.forget_memberships(viewer)
    assert not p.can_join_community(viewer, community)
    assert p.community_ids_where(viewer) == [community.pk]
    assert p.community_ids_where(viewer, min_role=Role.MODERATOR) == []
