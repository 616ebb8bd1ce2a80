"""Communities' topics: who may receive ``community.<id>`` and ``post.<id>``, the ``feed`` aggregate,
and the events and revocations the services queue on commit."""

from __future__ import annotations

import pytest

from communities.core import services
from communities.core.permissions import can_read_community_content
from communities.core.realtime import feed_topics, may_receive_community
from communities.models import Community, ContentStatus, Membership, Post
from communities.posts import services as post_services
from communities.posts.permissions import can_view_post
from communities.posts.realtime import may_receive_post, post_parents
from intranet.core.access import ACCESS_CHANGED
from intranet.core.models import OutboxEvent
from intranet.core.realtime import topic_kind
from intranet.core.viewer import Viewer
from tests.communities.conftest import VIEWER_KINDS, make_viewer
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import UserFactory
from tests.support.queries import pin_queries

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility
State = Membership.State


def test_topics_are_registered_by_the_app():
    assert topic_kind("community.3") is not None
    assert topic_kind("post.3") is not None
    assert topic_kind("comment.3") is None


@pytest.mark.parametrize("visibility", list(Visibility.values))
@pytest.mark.parametrize("kind", [k for k in VIEWER_KINDS if k != "anonymous"])
def test_community_topic_follows_the_read_rule(kind, visibility):
    community = CommunityFactory.create(visibility=visibility)
    viewer = make_viewer(kind, community)

    allowed = may_receive_community(viewer.user, community.pk)  # type: ignore[arg-type]

    assert allowed == can_read_community_content(Viewer(viewer.user), community)
    assert allowed == (
        kind in ("member", "moderator", "manager", "owner", "coordinator", "scoped_in")
        or (visibility == Visibility.PUBLIC and kind != "banned")
    )


def test_missing_community_and_post_are_refused():
    user = UserFactory.create()
    assert not may_receive_community(user, 987654)
    assert not may_receive_post(user, 987654)
    assert post_parents(987654) == []


@pytest.mark.parametrize("state", ["published", "pending", "hidden", "deleted"])
@pytest.mark.parametrize(
    "kind", ["employee", "member", "moderator", "banned", "coordinator", "scoped_in", "scoped_out"]
)
def test_post_topic_follows_the_post_view_rule(kind, state):
    community = CommunityFactory.create(visibility=Visibility.PRIVATE)
    author = UserFactory.create()
    MembershipFactory.create(user=author, community=community)
    fields: dict = {"status": ContentStatus.PUBLISHED}
    if state == "deleted":
        from django.utils import timezone

        fields["deleted_at"] = timezone.now()
    elif state != "published":
        fields["status"] = state
    post = Post.objects.create(community=community, author=author, title="T", body_source="b", **fields)
    viewer = make_viewer(kind, community)

    allowed = may_receive_post(viewer.user, post.pk)  # type: ignore[arg-type]
    assert allowed == can_view_post(Viewer(viewer.user), post)
    assert post_parents(post.pk) == [f"community.{community.pk}"]


def test_feed_expands_to_active_memberships_most_active_first_in_one_query():
    me = UserFactory.create()
    quiet, busy = CommunityFactory.create(), CommunityFactory.create()
    from django.utils import timezone

    Community.objects.filter(pk=busy.pk).update(last_activity_at=timezone.now())
    for community in (quiet, busy):
        MembershipFactory.create(user=me, community=community)
    for state in (State.PENDING, State.INVITED, State.BANNED):
        MembershipFactory.create(user=me, community=CommunityFactory.create(), state=state)

    with pin_queries(1):
        topics = feed_topics(me)

    assert topics == [f"community.{busy.pk}", f"community.{quiet.pk}"]


# What the services queue ------------------------------------------------------------------------


def _groups(callbacks) -> list[tuple[str, dict]]:
    """Run captured on-commit callbacks against a recording ``publish``/``revoke``."""
    sent: list[tuple[str, dict]] = []
    from intranet.core import realtime

    original_publish, original_revoke = realtime.publish, realtime.revoke
    realtime.publish = lambda group, event: sent.append((group, event))  # type: ignore[assignment]
    realtime.revoke = lambda user_id, topic: sent.append((f"user.{user_id}", {"revoke": topic}))  # type: ignore[assignment]
    try:
        for callback in callbacks:
            callback()
    finally:
        realtime.publish, realtime.revoke = original_publish, original_revoke
    return sent


@pytest.fixture
def private_community():
    owner = UserFactory.create()
    community = services.community_create(actor=owner, name="Night Shift", visibility=Visibility.PRIVATE)
    return owner, community


def test_comment_create_publishes_to_post_and_community_with_counters(
    private_community, django_capture_on_commit_callbacks
):
    owner, community = private_community
    post = post_services.post_create(actor=owner, community=community, title="Hello", body="Text")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = post_services.comment_create(actor=owner, post=post, body="First!")

    sent = [item for item in _groups(callbacks) if item[1].get("type") in ("comment.created", "post.counters")]

    created = {"type": "comment.created", "post_id": post.pk, "comment_id": comment.pk}
    counters = {
        "type": "post.counters",
        "post_id": post.pk,
        "comment_count": 1,
        "reaction_count": 0,
        "reaction_counts": {},
    }
    assert sent == [
        (f"community.{community.pk}", created),
        (f"post.{post.pk}", created),
        (f"post.{post.pk}", counters),
        (f"community.{community.pk}", counters),
    ]


def test_reactions_and_comment_deletion_publish_counters(private_community, django_capture_on_commit_callbacks):
    owner, community = private_community
    post = post_services.post_create(actor=owner, community=community, title="Hello", body="Text")
    comment = post_services.comment_create(actor=owner, post=post, body="First!")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_services.reaction_toggle(actor=owner, kind="like", post=post)
        post_services.reaction_toggle(actor=owner, kind="like", comment=comment)
        post_services.comment_delete(actor=owner, comment=comment)

    sent = [(group, event) for group, event in _groups(callbacks) if group.startswith("post.")]

    assert sent == [
        (
            f"post.{post.pk}",
            {
                "type": "post.counters",
                "post_id": post.pk,
                "comment_count": 1,
                "reaction_count": 1,
                "reaction_counts": {"like": 1},
            },
        ),
        (
            f"post.{post.pk}",
            {
                "type": "comment.counters",
                "post_id": post.pk,
                "comment_id": comment.pk,
                "reaction_count": 1,
                "reaction_counts": {"like": 1},
            },
        ),
        (
            f"post.{post.pk}",
            {
                "type": "post.counters",
                "post_id": post.pk,
                "comment_count": 0,
                "reaction_count": 1,
                "reaction_counts": {"like": 1},
            },
        ),
    ]


def _access_changes(since: int) -> list[tuple[str, list[int], str | None]]:
    """The ``access.changed`` events recorded after event id ``since``: (reason, user_ids, topic)."""
    rows = OutboxEvent.objects.filter(name=ACCESS_CHANGED, pk__gt=since).order_by("pk")
    return [(row.payload["reason"], row.payload["user_ids"], row.payload["topic"]) for row in rows]


def _last_event() -> int:
    return OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("visibility", list(Visibility.values))
def test_every_way_out_of_a_community_asks_the_sockets_to_recheck(visibility):
    """The services record who may have lost access; the socket decides with the topic's check
    (tests/communities/posts/realtime/test_access_transitions.py proves the verdicts over websockets)."""
    owner = UserFactory.create()
    community = services.community_create(actor=owner, name="Crew", visibility=visibility)
    leaver, removed, banned, demoted = (UserFactory.create() for _ in range(4))
    rows = {
        person: MembershipFactory.create(user=person, community=community)
        for person in (leaver, removed, banned, demoted)
    }
    Membership.objects.filter(pk=rows[demoted].pk).update(role=Membership.Role.MODERATOR)
    Community.objects.filter(pk=community.pk).update(member_count=5)  # the factory rows count too
    topic = f"community.{community.pk}"

    since = _last_event()
    services.membership_leave(actor=leaver, community=community)
    services.membership_remove(actor=owner, membership=rows[removed])
    services.membership_ban(actor=owner, community=community, user=banned)
    services.membership_change_role(actor=owner, membership=rows[demoted], role=Membership.Role.MEMBER)

    assert _access_changes(since) == [
        ("membership.left", [leaver.pk], topic),
        ("membership.removed", [removed.pk], topic),
        ("membership.banned", [banned.pk], topic),
        ("membership.role_changed", [demoted.pk], topic),
    ]


def test_visibility_and_archive_ask_every_socket_of_the_community_to_recheck():
    owner = UserFactory.create()
    community = services.community_create(actor=owner, name="Open Door", visibility=Visibility.PUBLIC)
    topic = f"community.{community.pk}"

    since = _last_event()
    services.community_update(actor=owner, community=community, name="Still Open")  # not about access
    services.community_update(actor=owner, community=community, visibility=Visibility.PRIVATE)
    services.community_archive(actor=owner, community=community)

    assert _access_changes(since) == [
        ("community.visibility_changed", [], topic),
        ("community.archived", [], topic),
    ]
