"""The hooks: items open idempotently and close; join requests, mentions and unanswered questions
are wired from their services; the beat job is idempotent."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from communities.core import services
from communities.inbox.hooks import inbox_item_close, inbox_item_open, open_item
from communities.inbox.jobs import inbox_unanswered_questions_task
from communities.inbox.services import unanswered_questions_sync
from communities.models import Community, InboxItem, InboxSettings, Post
from communities.posts import services as post_services
from tests.communities.inbox.conftest import add_person, write_post
from tests.factories import UserFactory

Kind = InboxItem.Kind
Status = InboxItem.Status
BERLIN = ZoneInfo("Europe/Berlin")

pytestmark = pytest.mark.django_db


def test_open_is_idempotent_per_key_and_refreshes(community, post) -> None:
    inbox_item_open(community=community, kind="flagged_post", key=f"post:{post.pk}", post=post, summary="first")
    inbox_item_open(community=community, kind="flagged_post", key=f"post:{post.pk}", post=post, summary="second")
    items = list(InboxItem.objects.filter(kind=Kind.FLAGGED_POST))
    assert len(items) == 1
    assert items[0].summary == "second"
    assert items[0].member_id == post.author_id
    assert items[0].status == Status.NEW


def test_close_then_open_starts_a_new_item(community, post, manager) -> None:
    key = f"post:{post.pk}"
    inbox_item_open(community=community, kind="flagged_post", key=key, post=post)
    inbox_item_close(kind="flagged_post", key=key, actor=manager)
    inbox_item_close(kind="flagged_post", key=key, actor=manager)  # nothing open: no-op
    done = InboxItem.objects.get()
    assert (done.status, done.resolved_by_id) == (Status.DONE, manager.pk)
    inbox_item_open(community=community, kind="flagged_post", key=key, post=post)
    assert InboxItem.objects.filter(kind=Kind.FLAGGED_POST).count() == 2
    assert InboxItem.objects.exclude(status=Status.DONE).count() == 1


def test_unknown_kind_is_refused(community) -> None:
    with pytest.raises(ValueError):
        inbox_item_open(community=community, kind="gossip", key="x:1")


def test_due_time_follows_the_community_service_hours(community, post) -> None:
    InboxSettings.objects.create(
        community=community,
        time_zone="Europe/Berlin",
        service_days=[0, 1, 2, 3, 4],
        service_start_hour=9,
        service_end_hour=17,
        first_response_minutes=60,
    )
    community = Community.objects.get(pk=community.pk)
    saturday = dt.datetime(2026, 3, 7, 11, 0, tzinfo=BERLIN)
    with time_machine.travel(saturday, tick=False):
        item = open_item(community=community, kind=Kind.FLAGGED_POST, key=f"post:{post.pk}", post=post)
    assert item is not None
    assert item.opened_at == saturday
    assert item.first_response_due_at == dt.datetime(2026, 3, 9, 10, 0, tzinfo=BERLIN)


def test_open_publishes_inbox_changed_to_the_team_on_commit(
    community, post, manager, moderator, member, owner, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr("communities.inbox.realtime.publish_many", sent.extend)
    with django_capture_on_commit_callbacks(execute=True):
        inbox_item_open(community=community, kind="flagged_post", key=f"post:{post.pk}", post=post)
    groups = {group for group, _event in sent}
    assert groups == {f"user.{owner.pk}", f"user.{manager.pk}", f"user.{moderator.pk}"}
    assert all(event == {"type": "inbox.changed"} for _group, event in sent)


# Join requests ------------------------------------------------------------------------------------


@pytest.fixture
def request_community(owner) -> Community:
    return services.community_create(actor=owner, name="Closed Club", join_policy=Community.JoinPolicy.REQUEST)


def test_join_request_opens_and_approval_closes(request_community, owner) -> None:
    person = UserFactory.create()
    membership = services.membership_request(actor=person, community=request_community, message="Let me in")
    item = InboxItem.objects.get(kind=Kind.JOIN_REQUEST)
    assert (item.key, item.membership_id, item.member_id) == (f"membership:{membership.pk}", membership.pk, person.pk)
    assert item.summary == "Let me in"
    services.membership_approve(actor=owner, membership=membership)
    item.refresh_from_db()
    assert (item.status, item.resolution, item.resolved_by_id) == (Status.DONE, "approved", owner.pk)


def test_withdrawn_request_closes_its_item(request_community) -> None:
    person = UserFactory.create()
    services.membership_request(actor=person, community=request_community)
    services.membership_leave(actor=person, community=request_community)
    assert InboxItem.objects.get(kind=Kind.JOIN_REQUEST).status == Status.DONE


# Mentions -----------------------------------------------------------------------------------------


def test_mentioning_a_manager_opens_a_personal_item(community, member, manager, moderator) -> None:
    other = add_person(community)
    post = write_post(member, community, body=f"Hey @{manager.handle} and @{other.handle}, look")
    items = list(InboxItem.objects.filter(kind=Kind.MENTION))
    assert [(i.for_user_id, i.post_id) for i in items] == [(manager.pk, post.pk)]
    # Editing the mention away closes it.
    post_services.post_update(actor=member, post=post, body="Nobody mentioned any more")
    assert InboxItem.objects.get(kind=Kind.MENTION).status == Status.DONE


def test_mention_in_a_comment_points_at_the_comment(community, post, member, moderator) -> None:
    comment = post_services.comment_create(actor=member, post=post, body=f"@{moderator.handle} please help")
    item = InboxItem.objects.get(kind=Kind.MENTION)
    assert (item.comment_id, item.for_user_id, item.member_id) == (comment.pk, moderator.pk, member.pk)


# Unanswered questions -----------------------------------------------------------------------------


def _question(member, community, hours_ago: float) -> Post:
    post = write_post(member, community, kind=Post.Kind.QUESTION, title="How do I ...?")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return post


def test_unanswered_questions_job_is_idempotent(community, member, manager) -> None:
    InboxSettings.objects.create(community=community, unanswered_after_minutes=120)
    old = _question(member, community, hours_ago=3)
    _question(member, community, hours_ago=1)  # too young
    answered = _question(member, community, hours_ago=5)
    post_services.comment_create(actor=manager, post=answered, body="Here you go")
    assert unanswered_questions_sync() == (1, 0)
    assert unanswered_questions_sync() == (0, 0)
    item = InboxItem.objects.get(kind=Kind.UNANSWERED_QUESTION)
    assert (item.post_id, item.key, item.member_id) == (old.pk, f"post:{old.pk}", member.pk)


def test_default_threshold_applies_without_settings(community, member) -> None:
    _question(member, community, hours_ago=23)
    assert inbox_unanswered_questions_task() == (0, 0)
    _question(member, community, hours_ago=25)
    assert inbox_unanswered_questions_task() == (1, 0)


def test_answered_questions_close_and_do_not_reopen(community, member, manager) -> None:
    question = _question(member, community, hours_ago=30)
    unanswered_questions_sync()
    post_services.comment_create(actor=manager, post=question, body="Answer")
    assert unanswered_questions_sync() == (0, 1)
    assert InboxItem.objects.get(kind=Kind.UNANSWERED_QUESTION).status == Status.DONE
    assert unanswered_questions_sync() == (0, 0)
