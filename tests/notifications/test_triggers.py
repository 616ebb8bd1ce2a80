"""Every notification trigger of communities, through the real services (tasks run eagerly on
commit here; the fan-out over a real worker is in test_worker.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.core import notify as kinds
from communities.core import services
from communities.models import Community, Membership, Post
from communities.posts import services as post_services
from communities.posts.tasks import post_notify_task
from intranet.notifications.models import Notification
from tests.factories import UserFactory
from tests.notifications.conftest import add_person, write_post
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db

Role = Membership.Role
State = Membership.State
Level = Membership.NotificationLevel


def rows(kind=None):
    qs = Notification.objects.order_by("recipient_id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("recipient_id", "kind"))


def messages_for(user):
    return [n.message for n in Notification.objects.filter(recipient=user).order_by("-created_at", "-id")]


def test_mention_in_a_post(community, member, run_on_commit):
    anna = add_person(community, handle="anna", display_name="Anna")
    post = run_on_commit(lambda: write_post(member, community, title="Hi", body="Hello @anna and @nobody"))
    assert rows() == [(anna.pk, kinds.MENTION)]
    note = Notification.objects.get()
    assert note.message == "Mia Member mentioned you in “Hi”"
    assert (note.url, note.delivery, note.scope, note.actor_id) == (
        post.get_absolute_url(),
        "immediate",
        f"community:{community.pk}",
        member.pk,
    )


def test_mention_added_by_an_edit_is_notified_once(community, member, run_on_commit):
    anna = add_person(community, handle="anna")
    ben = add_person(community, handle="ben")
    post = run_on_commit(lambda: write_post(member, community, body="Hello @anna"))
    run_on_commit(lambda: post_services.post_update(actor=member, post=post, body="Hello @anna and @ben"))
    assert rows() == [(anna.pk, kinds.MENTION), (ben.pk, kinds.MENTION)]


def test_mention_in_a_comment_beats_the_reply(community, member, run_on_commit):
    anna = add_person(community, handle="anna", display_name="Anna")
    post = write_post(member, community, title="Hi")
    member.handle = "mia"
    member.save(update_fields=["handle"])
    run_on_commit(lambda: post_services.comment_create(actor=anna, post=post, body="@mia look"))
    assert rows() == [(member.pk, kinds.MENTION)]
    assert messages_for(member) == ["Anna mentioned you in a comment on “Hi”"]


def test_outsiders_of_a_private_community_are_never_notified(owner, run_on_commit):
    private = services.community_create(
        actor=owner, name="Board", visibility=Community.Visibility.PRIVATE, join_policy=Community.JoinPolicy.INVITE
    )
    UserFactory.create(handle="outsider")
    author = add_person(private)
    post = run_on_commit(lambda: write_post(author, private, body="cc @outsider"))
    Membership.objects.filter(user=author, community=private).delete()  # the author leaves
    commenter = add_person(private)
    run_on_commit(lambda: post_services.comment_create(actor=commenter, post=post, body="Answer"))
    assert rows() == []


def test_comment_on_my_post_and_reply_to_my_comment(community, member, run_on_commit):
    ben = add_person(community, display_name="Ben")
    cleo = add_person(community, display_name="Cleo")
    post = write_post(member, community, title="Hi")
    first = run_on_commit(lambda: post_services.comment_create(actor=ben, post=post, body="First"))
    assert rows() == [(member.pk, kinds.REPLY)]
    assert messages_for(member) == ["Ben commented on your post “Hi”"]
    reply = run_on_commit(lambda: post_services.comment_create(actor=cleo, post=post, body="Reply", parent=first))
    assert sorted(rows()) == sorted([(member.pk, kinds.REPLY), (member.pk, kinds.REPLY), (ben.pk, kinds.REPLY)])
    assert messages_for(ben) == ["Cleo replied to your comment on “Hi”"]
    assert Notification.objects.get(recipient=ben).url.endswith(f"#comment-{reply.pk}")
    # Nobody hears about their own comment.
    run_on_commit(lambda: post_services.comment_create(actor=member, post=post, body="Thanks"))
    assert Notification.objects.count() == 3


def test_answer_to_my_question_and_accepted_answer(community, member, run_on_commit):
    ben = add_person(community, display_name="Ben")
    question = write_post(member, community, title="Why?", kind=Post.Kind.QUESTION)
    answer = run_on_commit(lambda: post_services.comment_create(actor=ben, post=question, body="Because"))
    assert rows() == [(member.pk, kinds.ANSWER)]
    assert messages_for(member) == ["Ben answered your question “Why?”"]
    run_on_commit(lambda: post_services.answer_accept(actor=member, post=question, comment=answer))
    assert rows(kinds.ACCEPTED) == [(ben.pk, kinds.ACCEPTED)]
    assert messages_for(ben) == ["Mia Member accepted your answer to “Why?”"]
    run_on_commit(lambda: post_services.answer_unaccept(actor=member, post=question))
    run_on_commit(lambda: post_services.answer_accept(actor=member, post=question, comment=answer))
    assert len(rows(kinds.ACCEPTED)) == 1


def test_reactions_are_batched_per_post(community, member, run_on_commit):
    ben = add_person(community, display_name="Ben")
    cleo = add_person(community, display_name="Cleo")
    dora = add_person(community, display_name="Dora")
    post = write_post(member, community, title="Hi")
    run_on_commit(lambda: post_services.reaction_toggle(actor=member, post=post, kind="like"))  # own: nothing
    assert rows() == []
    run_on_commit(lambda: post_services.reaction_toggle(actor=ben, post=post, kind="like"))
    run_on_commit(lambda: post_services.reaction_toggle(actor=cleo, post=post, kind="love"))
    note = Notification.objects.get()
    assert (note.kind, note.count, note.delivery) == (kinds.REACTIONS, 2, "in_app")
    assert note.message == "Cleo and 1 other person reacted to your post “Hi”"
    from intranet.notifications.services import notification_mark_all_read

    notification_mark_all_read(actor=member)
    run_on_commit(lambda: post_services.reaction_toggle(actor=dora, post=post, kind="like"))
    note = Notification.objects.get()
    assert (note.count, note.read_at) == (3, None)
    assert note.message == "Dora and 2 other people reacted to your post “Hi”"
    run_on_commit(lambda: post_services.reaction_toggle(actor=dora, post=post, kind="like"))  # taken back
    assert Notification.objects.get().count == 3


def test_new_post_reaches_members_at_level_all_only(community, member, run_on_commit):
    everything = add_person(community)
    Membership.objects.filter(user=everything).update(notification_level=Level.ALL)
    muted = add_person(community)
    Membership.objects.filter(user=muted).update(notification_level=Level.MUTED)
    pending = add_person(community, state=State.PENDING)
    Membership.objects.filter(user=pending).update(notification_level=Level.ALL)
    Membership.objects.filter(user=member).update(notification_level=Level.ALL)
    run_on_commit(lambda: write_post(member, community, title="News"))
    assert rows() == [(everything.pk, kinds.NEW_POST)]
    note = Notification.objects.get()
    assert note.delivery == "daily" and note.message == "Mia Member posted “News” in Solar Garden"


def test_announcement_reaches_every_member_who_has_not_muted(owner, community, member, run_on_commit):
    muted = add_person(community)
    Membership.objects.filter(user=muted).update(notification_level=Level.MUTED)
    add_person(community, state=State.PENDING)
    add_person(community, state=State.BANNED)
    run_on_commit(lambda: write_post(owner, community, title="Big news", kind=Post.Kind.ANNOUNCEMENT))
    assert rows() == [(member.pk, kinds.ANNOUNCEMENT)]
    assert messages_for(member) == ["Announcement in Solar Garden: “Big news”"]


def test_post_fan_out_twice_creates_no_duplicates(owner, community, member, run_on_commit):
    add_person(community)
    post = run_on_commit(lambda: write_post(owner, community, kind=Post.Kind.ANNOUNCEMENT))
    assert Notification.objects.count() == 2
    post_notify_task.delay(post.pk)
    post_notify_task.delay(post.pk)
    assert Notification.objects.count() == 2


def test_deleted_post_is_not_fanned_out(owner, community, member):
    post = write_post(owner, community, kind=Post.Kind.ANNOUNCEMENT)
    post_services.post_delete(actor=owner, post=post)
    post_notify_task.delay(post.pk)
    assert rows() == []


def test_membership_request_reaches_owners_and_managers(owner, run_on_commit):
    community = services.community_create(actor=owner, name="Club", join_policy=Community.JoinPolicy.REQUEST)
    manager = add_person(community, role=Role.MANAGER)
    add_person(community, role=Role.MODERATOR)
    add_person(community)
    asker = UserFactory.create(display_name="Ari")
    membership = run_on_commit(lambda: services.membership_request(actor=asker, community=community, message="Hi"))
    assert rows() == sorted([(owner.pk, kinds.REQUEST), (manager.pk, kinds.REQUEST)])
    assert messages_for(owner) == ["Ari asks to join Club"]
    assert Notification.objects.filter(recipient=owner).get().url.endswith("/members/#pending-requests")
    run_on_commit(lambda: services.membership_approve(actor=manager, membership=membership))
    assert rows(kinds.DECISION) == [(asker.pk, kinds.DECISION)]
    assert messages_for(asker) == ["Your request to join Club was approved"]


def test_declined_request_is_notified(owner, run_on_commit):
    community = services.community_create(actor=owner, name="Club", join_policy=Community.JoinPolicy.REQUEST)
    asker = UserFactory.create()
    membership = services.membership_request(actor=asker, community=community)
    run_on_commit(lambda: services.membership_decline(actor=owner, membership=membership, message="Sorry"))
    assert messages_for(asker) == ["Your request to join Club was declined"]


def test_invitations_single_and_bulk(owner, community, run_on_commit):
    anna = UserFactory.create(email="anna@example.com")
    ben = UserFactory.create(email="ben@example.com")
    cleo = UserFactory.create(email="cleo@example.com")
    run_on_commit(lambda: services.membership_invite(actor=owner, community=community, user=anna))
    run_on_commit(
        lambda: services.membership_invite_bulk(
            actor=owner, community=community, text="ben@example.com\ncleo@example.com"
        )
    )
    assert rows() == [(anna.pk, kinds.INVITATION), (ben.pk, kinds.INVITATION), (cleo.pk, kinds.INVITATION)]
    assert messages_for(ben) == ["Olga Owner invited you to join Solar Garden"]
    assert Notification.objects.filter(recipient=cleo).get().url == reverse(
        "communities:community_detail", kwargs={"slug": community.slug}
    )


def test_role_change_is_notified(owner, community, member, run_on_commit):
    membership = Membership.objects.get(user=member, community=community)
    run_on_commit(lambda: services.membership_change_role(actor=owner, membership=membership, role=Role.MODERATOR))
    assert rows() == [(member.pk, kinds.ROLE)]
    assert messages_for(member) == ["Olga Owner made you Moderator of Solar Garden"]


def test_post_create_request_does_no_per_recipient_work(client, owner, community):
    """The request only queues the fan-out: the same queries for 3 and for 60 followers."""
    client.force_login(owner)
    url = reverse("communities:post_create", kwargs={"slug": community.slug})
    data = {"kind": "announcement", "title": "Hello", "body": "Text", "tags": ""}
    client.post(url, with_key(data))  # warm caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.post(url, with_key(data)).status_code == 302
        return len(ctx.captured_queries)

    for _ in range(3):
        add_person(community)
    small = count()
    for _ in range(57):
        add_person(community)
    assert count() == small
    assert Notification.objects.count() == 0  # nothing done before commit
