"""Working items: claim, assign, status, snooze, notes, escalation, bulk; each resolve action performs
the real action; every privileged step writes exactly one audit row of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities.core import services
from communities.inbox import services as inbox_services
from communities.models import Comment, Community, CommunityRules, ContentStatus, InboxItem, Membership, Post, Report
from communities.moderation import services as moderation
from communities.posts import services as post_services
from intranet.core.models import AuditEntry
from tests.communities.inbox.conftest import add_person, open_for_post, write_post
from tests.factories import UserFactory

Kind = InboxItem.Kind
Status = InboxItem.Status
R = inbox_services.Resolution

pytestmark = pytest.mark.django_db


def audits(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


# Claim, assign, status, snooze, notes ------------------------------------------------------------------


def test_claim_assigns_counts_as_first_response_and_is_audited(post, manager) -> None:
    item = open_for_post(post)
    claimed = inbox_services.inbox_item_claim(actor=manager, item=item)
    assert (claimed.status, claimed.assignee_id) == (Status.CLAIMED, manager.pk)
    assert claimed.first_response_at is not None
    [entry] = audits("inbox.claimed")
    assert entry.actor_id == manager.pk and entry.scope == f"community:{post.community_id}"
    assert entry.before == {"assignee": None, "status": "new"}
    assert entry.after == {"assignee": manager.pk, "status": "claimed"}
    inbox_services.inbox_item_claim(actor=manager, item=item)  # again: nothing changes
    assert len(audits("inbox.claimed")) == 1


def test_assign_to_co_manager_and_back_to_nobody(post, manager, moderator) -> None:
    item = open_for_post(post)
    inbox_services.inbox_item_assign(actor=manager, item=item, assignee=moderator)
    item.refresh_from_db()
    assert (item.assignee_id, item.status) == (moderator.pk, Status.CLAIMED)
    inbox_services.inbox_item_assign(actor=manager, item=item, assignee=None)
    item.refresh_from_db()
    assert (item.assignee_id, item.status) == (None, Status.NEW)
    assert len(audits("inbox.assigned")) == 2


def test_assign_refuses_people_who_cannot_work_the_item(post, manager, member, other_moderator) -> None:
    item = open_for_post(post)
    for person in (member, other_moderator):
        with pytest.raises(ValidationError):
            inbox_services.inbox_item_assign(actor=manager, item=item, assignee=person)
    assert audits("inbox.assigned") == []


def test_moderators_cannot_get_join_requests(owner, moderator, community) -> None:
    Community.objects.filter(pk=community.pk).update(join_policy=Community.JoinPolicy.REQUEST)
    community.refresh_from_db()
    membership = services.membership_request(actor=UserFactory.create(), community=community)
    item = InboxItem.objects.get(membership=membership)
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_assign(actor=owner, item=item, assignee=moderator)
    with pytest.raises(PermissionDenied):
        inbox_services.inbox_item_claim(actor=moderator, item=item)


def test_status_waiting_and_back(post, moderator) -> None:
    item = open_for_post(post)
    inbox_services.inbox_item_set_status(actor=moderator, item=item, status=Status.WAITING)
    item.refresh_from_db()
    assert item.status == Status.WAITING
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_set_status(actor=moderator, item=item, status=Status.DONE)
    [entry] = audits("inbox.status_changed")
    assert entry.before == {"status": "new"} and entry.after == {"status": "waiting"}


def test_snooze_until_later_and_wake(post, moderator) -> None:
    item = open_for_post(post)
    until = timezone.now() + dt.timedelta(hours=3)
    inbox_services.inbox_item_snooze(actor=moderator, item=item, until=until)
    item.refresh_from_db()
    assert item.snoozed_until == until and item.is_snoozed()
    for bad in (timezone.now() - dt.timedelta(minutes=1), timezone.now() + dt.timedelta(days=91)):
        with pytest.raises(ValidationError):
            inbox_services.inbox_item_snooze(actor=moderator, item=item, until=bad)
    inbox_services.inbox_item_snooze(actor=moderator, item=item, until=None)
    item.refresh_from_db()
    assert item.snoozed_until is None


def test_notes_are_counted_and_need_access(post, moderator, member, other_moderator) -> None:
    item = open_for_post(post)
    note = inbox_services.inbox_note_add(actor=moderator, item=item, body="  Looks like spam  ")
    assert note.body == "Looks like spam"
    item.refresh_from_db()
    assert item.note_count == 1
    for outsider in (member, other_moderator):
        with pytest.raises(PermissionDenied):
            inbox_services.inbox_note_add(actor=outsider, item=item, body="hi")
    with pytest.raises(ValidationError):
        inbox_services.inbox_note_add(actor=moderator, item=item, body="   ")


def test_outsiders_change_nothing(post, member, other_moderator) -> None:
    item = open_for_post(post)
    for outsider in (member, other_moderator, UserFactory.create()):
        for action in (
            lambda a: inbox_services.inbox_item_claim(actor=a, item=item),
            lambda a: inbox_services.inbox_item_resolve(actor=a, item=item, action=R.DISMISSED),
            lambda a: inbox_services.inbox_item_escalate(actor=a, item=item, reason="x"),
            lambda a: inbox_services.inbox_item_set_status(actor=a, item=item, status=Status.WAITING),
        ):
            with pytest.raises(PermissionDenied):
                action(outsider)
    item.refresh_from_db()
    assert (item.status, item.assignee_id, item.escalated_at) == (Status.NEW, None, None)
    assert not AuditEntry.objects.filter(action__startswith="inbox.").exists()


# Resolve: the real actions --------------------------------------------------------------------------


def _report(post: Post, reporter) -> InboxItem:
    moderation.report_create(actor=reporter, post=post, reason=Report.Reason.SPAM, text="Buy now")
    return InboxItem.objects.get(kind=Kind.REPORT)


def test_resolve_report_by_hiding_the_post(post, manager, community) -> None:
    reporter = add_person(community)
    item = _report(post, reporter)
    assert item.report is not None and item.member_id == post.author_id
    inbox_services.inbox_item_resolve(actor=manager, item=item, action=R.HIDDEN, reason="Advertising")
    post.refresh_from_db()
    item.refresh_from_db()
    assert post.status == ContentStatus.HIDDEN
    assert Report.objects.get().status == Report.Status.RESOLVED
    assert (item.status, item.resolution, item.resolved_by_id) == (Status.DONE, R.HIDDEN, manager.pk)
    assert len(audits("post.hidden")) == 1
    [entry] = audits("inbox.resolved")
    assert entry.reason == "Advertising" and (entry.after or {})["resolution"] == R.HIDDEN


def test_hiding_needs_a_reason(post, manager, community) -> None:
    item = _report(post, add_person(community))
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_resolve(actor=manager, item=item, action=R.HIDDEN, reason=" ")
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED


def test_resolve_report_by_dismissing(post, moderator, community) -> None:
    item = _report(post, add_person(community))
    inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.DISMISSED)
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert InboxItem.objects.get().status == Status.DONE


def _held_post(community: Community, member) -> tuple[Post, InboxItem]:
    CommunityRules.objects.update_or_create(community=community, defaults={"premoderation": "all"})
    post = write_post(member, community, title="My first post")
    assert post.status == ContentStatus.PENDING
    return post, InboxItem.objects.get(kind=Kind.HELD_POST, post=post)


def test_resolve_held_post_by_approving(community, member, moderator) -> None:
    post, item = _held_post(community, member)
    inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.APPROVED)
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED
    assert len(audits("post.approved")) == 1
    item.refresh_from_db()
    assert (item.status, item.resolution) == (Status.DONE, R.APPROVED)


def test_resolve_held_post_by_rejecting(community, member, moderator) -> None:
    post, item = _held_post(community, member)
    inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.REJECTED, reason="Off topic")
    post.refresh_from_db()
    assert post.status == ContentStatus.HIDDEN
    assert len(audits("post.rejected")) == 1


def test_action_must_fit_the_kind(community, member, moderator) -> None:
    _post, item = _held_post(community, member)
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.DONE)
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_resolve(actor=moderator, item=item, action="explode")


def test_resolve_flag_by_keeping_or_hiding(community, member, moderator) -> None:
    kept, hidden = write_post(member, community, title="a"), write_post(member, community, title="b")
    inbox_services.inbox_item_resolve(actor=moderator, item=open_for_post(kept), action=R.DISMISSED)
    inbox_services.inbox_item_resolve(actor=moderator, item=open_for_post(hidden), action=R.HIDDEN, reason="Rude")
    kept.refresh_from_db()
    hidden.refresh_from_db()
    assert (kept.status, hidden.status) == (ContentStatus.PUBLISHED, ContentStatus.HIDDEN)


@pytest.mark.parametrize("approve", [True, False])
def test_resolve_join_request(owner, community, approve: bool) -> None:
    Community.objects.filter(pk=community.pk).update(join_policy=Community.JoinPolicy.REQUEST)
    community.refresh_from_db()
    person = UserFactory.create()
    services.membership_request(actor=person, community=community)
    item = InboxItem.objects.get(kind=Kind.JOIN_REQUEST)
    action = R.APPROVED if approve else R.DECLINED
    inbox_services.inbox_item_resolve(actor=owner, item=item, action=action, reason="Welcome" if approve else "")
    row = Membership.objects.filter(community=community, user=person).first()
    if approve:
        assert row is not None and row.state == Membership.State.ACTIVE and row.decision_message == "Welcome"
    else:
        assert row is None
    item.refresh_from_db()
    assert (item.status, item.resolution) == (Status.DONE, action)
    assert len(audits("membership.approved" if approve else "membership.declined")) == 1
    assert len(audits("inbox.resolved")) == 1


def test_answer_a_question_posts_a_comment_as_the_manager(community, member, manager) -> None:
    question = write_post(member, community, kind=Post.Kind.QUESTION, title="Where?")
    item = open_for_post(question, kind=Kind.UNANSWERED_QUESTION)
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_resolve(actor=manager, item=item, action=R.ANSWERED, body="")
    inbox_services.inbox_item_resolve(actor=manager, item=item, action=R.ANSWERED, body="In the **cellar**.")
    comment = Comment.objects.get(post=question)
    assert comment.author_id == manager.pk and "<strong>cellar</strong>" in comment.body_html
    [entry] = audits("inbox.resolved")
    assert (entry.after or {})["comment"] == comment.pk


def test_answer_a_mention_replies_to_the_comment(community, post, member, moderator) -> None:
    comment = post_services.comment_create(actor=member, post=post, body=f"@{moderator.handle} thoughts?")
    item = InboxItem.objects.get(kind=Kind.MENTION)
    inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.ANSWERED, body="Yes!")
    reply = Comment.objects.get(post=post, author=moderator)
    assert reply.parent_id == comment.pk


def test_a_done_item_cannot_be_resolved_again(post, moderator) -> None:
    item = open_for_post(post)
    inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.DISMISSED)
    with pytest.raises(PermissionDenied):
        inbox_services.inbox_item_resolve(actor=moderator, item=item, action=R.DISMISSED)
    stale = InboxItem.objects.get(pk=item.pk)
    stale.status = Status.NEW  # a page loaded before someone else resolved it
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_resolve(actor=moderator, item=stale, action=R.DISMISSED)
    assert len(audits("inbox.resolved")) == 1


# Escalation -------------------------------------------------------------------------------------


def test_escalate_needs_a_reason_and_is_audited_once(post, manager) -> None:
    item = open_for_post(post)
    with pytest.raises(ValidationError):
        inbox_services.inbox_item_escalate(actor=manager, item=item, reason="")
    inbox_services.inbox_item_escalate(actor=manager, item=item, reason="Legal question")
    item.refresh_from_db()
    assert item.escalated_by_id == manager.pk and item.escalation_reason == "Legal question"
    [entry] = audits("inbox.escalated")
    assert entry.before == {"escalated": False} and entry.after == {"escalated": True}
    with pytest.raises(PermissionDenied):
        inbox_services.inbox_item_escalate(actor=manager, item=item, reason="again")


def test_escalation_tells_the_coordinators(post, manager, staff_user, django_capture_on_commit_callbacks, monkeypatch):
    item = open_for_post(post)
    sent: list[str] = []
    monkeypatch.setattr(
        "communities.inbox.realtime.publish_many", lambda events: sent.extend(group for group, _event in events)
    )
    with django_capture_on_commit_callbacks(execute=True):
        inbox_services.inbox_item_escalate(actor=manager, item=item, reason="Help")
    assert f"user.{staff_user.pk}" in sent and f"user.{manager.pk}" in sent


# Bulk -------------------------------------------------------------------------------------------


def test_bulk_claim_snooze_and_resolve(community, member, moderator) -> None:
    posts = [write_post(member, community, title=f"p{i}") for i in range(3)]
    items = [open_for_post(p) for p in posts]
    result = inbox_services.inbox_bulk(actor=moderator, items=items, action="claim")
    assert sorted(result.done) == sorted(i.pk for i in items)
    assert InboxItem.objects.filter(assignee=moderator, status=Status.CLAIMED).count() == 3
    until = timezone.now() + dt.timedelta(days=1)
    inbox_services.inbox_bulk(actor=moderator, items=items[:2], action="snooze", until=until)
    assert InboxItem.objects.filter(snoozed_until=until).count() == 2
    _held, held_item = _held_post(community, member)
    result = inbox_services.inbox_bulk(actor=moderator, items=[*items, held_item], action="resolve")
    assert result.skipped == [held_item.pk]
    assert InboxItem.objects.filter(status=Status.DONE, resolution=R.DISMISSED).count() == 3
    assert len(audits("inbox.resolved")) == 3


def test_bulk_skips_items_the_actor_cannot_work(post, moderator, other_moderator) -> None:
    item = open_for_post(post)
    result = inbox_services.inbox_bulk(actor=other_moderator, items=[item], action="claim")
    assert (result.done, result.skipped) == ([], [item.pk])
    with pytest.raises(ValidationError):
        inbox_services.inbox_bulk(actor=moderator, items=[item], action="explode")


# Settings ---------------------------------------------------------------------------------------


def test_settings_update_validates_audits_and_recomputes_due_times(community, manager, moderator, post) -> None:
    item = open_for_post(post)
    with pytest.raises(PermissionDenied):
        inbox_services.inbox_settings_update(actor=moderator, community=community, first_response_minutes=5)
    with pytest.raises(ValidationError) as exc:
        inbox_services.inbox_settings_update(
            actor=manager, community=community, time_zone="Mars/Olympus", service_start_hour=20, service_end_hour=8
        )
    assert set(exc.value.message_dict) == {"time_zone", "service_end_hour"}
    config = inbox_services.inbox_settings_update(
        actor=manager,
        community=community,
        time_zone="Asia/Tokyo",
        service_days=[0, 1, 2, 3, 4, 5, 6],
        service_start_hour=0,
        service_end_hour=24,
        first_response_minutes=30,
    )
    assert config.time_zone == "Asia/Tokyo"
    item.refresh_from_db()
    assert item.first_response_due_at == item.opened_at + dt.timedelta(minutes=30)
    [entry] = audits("community.inbox_settings_changed")
    assert (entry.before or {})["time_zone"] != "Asia/Tokyo" and (entry.after or {})["time_zone"] == "Asia/Tokyo"
