"""Moderation services end to end: reports merging, pre-moderation, watched words, mutes, rate
limits, moving posts, hiding with the member told, and coordinator scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities.core import services
from communities.core.permissions import (
    can_comment_in_community,
    can_post_in_community,
    can_react_in_community,
    is_coordinator,
    readers_of_community,
    visible_communities,
)
from communities.models import (
    Comment,
    Community,
    CommunityRules,
    ContentStatus,
    InboxItem,
    MemberMute,
    Membership,
    Mention,
    Post,
    Report,
    WatchedWord,
)
from communities.moderation import services as mod
from communities.moderation.screening import validate_pattern
from communities.posts import services as post_services
from communities.posts.permissions import can_view_post, visible_posts
from communities.posts.selectors import post_list_for_community
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from intranet.messaging.services import conversation_start
from intranet.notifications.models import Notification
from tests.communities.moderation.conftest import Role, add_person, scoped_coordinator, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _count(community: Community) -> int:
    return Community.objects.get(pk=community.pk).post_count


# Reports ----------------------------------------------------------------------------------------


def test_repeated_reports_merge_into_one_case(post, community):
    anna, bert = add_person(community), add_person(community)
    first = mod.report_create(actor=anna, post=post, reason="spam")
    again = mod.report_create(actor=anna, post=post, reason="harassment", text="really")
    other = mod.report_create(actor=bert, post=post, reason="off_topic")
    assert first.pk == again.pk == other.pk
    report = Report.objects.get()
    assert report.reporter_count == 2 and report.entries.count() == 2
    assert report.reason == "spam" and report.community_id == community.pk
    assert InboxItem.objects.filter(kind="report", key=f"report:{report.pk}").count() == 1


def test_a_new_case_opens_after_the_old_one_is_closed(post, community, moderator):
    anna = add_person(community)
    report = mod.report_create(actor=anna, post=post, reason="spam")
    mod.report_dismiss(actor=moderator, report=report, note="fine")
    with pytest.raises(ValidationError):
        mod.report_resolve(actor=moderator, report=report)
    fresh = mod.report_create(actor=anna, post=post, reason="spam")
    assert fresh.pk != report.pk and fresh.reporter_count == 1


def test_report_validation_and_own_content(post, member, community):
    anna = add_person(community)
    with pytest.raises(ValidationError) as error:
        mod.report_create(actor=anna, post=post, reason="other")
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError):
        mod.report_create(actor=anna, post=post, reason="nonsense")
    with pytest.raises(PermissionDenied):
        mod.report_create(actor=member, post=post, reason="spam")  # one's own post
    assert not Report.objects.exists()


def test_comment_reports(post, community, moderator):
    comment = post_services.comment_create(actor=moderator, post=post, body="Hmm")
    report = mod.report_create(actor=add_person(community), comment=comment, reason="harassment")
    assert report.target_key == f"comment:{comment.pk}" and report.post_id == post.pk


def test_direct_message_reports_go_to_coordinators(community, moderator):
    sender, receiver = UserFactory.create(), UserFactory.create()
    _conversation, message = conversation_start(actor=sender, recipients=[receiver], body="Buy cheap watches")
    with pytest.raises(PermissionDenied):
        mod.report_create(actor=UserFactory.create(), message=message, reason="spam")  # not a participant
    with pytest.raises(PermissionDenied):
        mod.report_create(actor=sender, message=message, reason="spam")  # own message
    report = mod.report_create(actor=receiver, message=message, reason="spam")
    assert report.community_id is None and report.snapshot == "Buy cheap watches"
    for outsider in (moderator, scoped_coordinator(communities=[community])):
        with pytest.raises(PermissionDenied):
            mod.report_resolve(actor=outsider, report=report)
    staff = UserFactory.create(is_staff=True)
    mod.report_resolve(actor=staff, report=report, note="warned")
    entry = AuditEntry.objects.get(action="report.resolved")
    assert entry.scope == "platform" and entry.before == {"status": "open"} and entry.after == {"status": "resolved"}


# Pre-moderation ---------------------------------------------------------------------------------


def test_held_post_is_invisible_until_approved(community, owner, member, moderator):
    mod.community_rules_update(actor=owner, community=community, premoderation=CommunityRules.Premoderation.ALL)
    held = write_post(member, community, title="Wait for me")
    assert held.status == ContentStatus.PENDING
    assert _count(community) == 0
    reader = add_person(community)
    held = Post.objects.select_related("community").get(pk=held.pk)
    assert not can_view_post(Viewer(reader), held)
    assert can_view_post(Viewer(member), held) and can_view_post(Viewer(moderator), held)
    assert held not in visible_posts(Viewer(reader))
    assert post_list_for_community(Viewer(reader), community).posts_page.items == []
    assert InboxItem.objects.filter(kind="held_post", key=f"post:{held.pk}").exclude(status="done").exists()
    mod.post_approve(actor=moderator, post=held)
    held.refresh_from_db()
    assert held.status == ContentStatus.PUBLISHED and _count(community) == 1
    assert can_view_post(Viewer(reader), Post.objects.select_related("community").get(pk=held.pk))
    assert not InboxItem.objects.filter(kind="held_post", key=f"post:{held.pk}").exclude(status="done").exists()


def test_moderators_are_not_held(community, owner, moderator):
    mod.community_rules_update(actor=owner, community=community, premoderation=CommunityRules.Premoderation.ALL)
    assert write_post(moderator, community).status == ContentStatus.PUBLISHED


def test_first_posts_of_new_members_are_held(community, owner, member, moderator):
    mod.community_rules_update(
        actor=owner, community=community, premoderation=CommunityRules.Premoderation.NEW_MEMBERS, premoderation_posts=1
    )
    first = write_post(member, community)
    assert first.status == ContentStatus.PENDING
    assert write_post(member, community).status == ContentStatus.PENDING  # still none approved
    mod.post_approve(actor=moderator, post=first)
    assert write_post(member, community).status == ContentStatus.PUBLISHED


def test_rejected_post_stays_hidden_with_reason(community, owner, member, moderator):
    mod.community_rules_update(actor=owner, community=community, premoderation=CommunityRules.Premoderation.ALL)
    held = write_post(member, community)
    with pytest.raises(ValidationError):
        mod.post_reject(actor=moderator, post=held, reason="  ")
    mod.post_reject(actor=moderator, post=held, reason="Off-topic here")
    held.refresh_from_db()
    assert held.status == ContentStatus.HIDDEN and _count(community) == 0
    assert AuditEntry.objects.get(action="post.rejected").reason == "Off-topic here"


# Watched words ----------------------------------------------------------------------------------


def test_blocked_word_is_refused_with_the_rule_named(community, owner, member):
    mod.watched_word_add(actor=owner, community=community, pattern="Projekt Phoenix", action="block")
    with pytest.raises(ValidationError) as error:
        write_post(member, community, title="News", body="All about projekt phoenix today")
    message = " ".join(error.value.message_dict["body"])
    assert "Projekt Phoenix" in message and "Solar Garden" in message
    assert not Post.objects.exists() and _count(community) == 0


def test_plain_words_match_whole_words_only(community, owner, member):
    mod.watched_word_add(actor=owner, community=community, pattern="ass", action="block")
    assert write_post(member, community, body="A class of its own").status == ContentStatus.PUBLISHED


def test_hold_and_flag_words(community, owner, member, moderator):
    mod.watched_word_add(
        actor=owner, community=community, pattern=r"\bcheap\s+watch(es)?\b", is_regex=True, action="hold"
    )
    mod.watched_word_add(actor=owner, community=community, pattern="competitor", action="flag")
    held = write_post(member, community, body="Cheap   watches here")
    assert held.status == ContentStatus.PENDING
    flagged = write_post(member, community, body="What does the competitor do?")
    assert flagged.status == ContentStatus.PUBLISHED and _count(community) == 1
    assert InboxItem.objects.filter(kind="flagged_post", key=f"post:{flagged.pk}").exists()
    assert write_post(moderator, community, body="cheap watches").status == ContentStatus.PUBLISHED


def test_platform_words_apply_everywhere_and_block_comments(community, member, post):
    staff = UserFactory.create(is_staff=True)
    mod.watched_word_add(actor=staff, community=None, pattern="secret-sauce", action="block")
    with pytest.raises(ValidationError) as error:
        post_services.comment_create(actor=member, post=post, body="the SECRET-SAUCE is")
    assert "the platform" in " ".join(error.value.messages)
    assert not Comment.objects.exists()
    assert AuditEntry.objects.get(action="watched_word.added").scope == "platform"


def test_held_comment_waits_for_a_moderator(community, owner, member, post, moderator):
    mod.watched_word_add(actor=owner, community=community, pattern="idiot", action="hold")
    comment = post_services.comment_create(actor=add_person(community), post=post, body="You idiot")
    post.refresh_from_db()
    assert comment.status == ContentStatus.PENDING and post.comment_count == 0
    mod.comment_restore(actor=moderator, comment=comment)
    post.refresh_from_db()
    assert post.comment_count == 1


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [
        (r"(a+)+b", True),
        (r"(\w+\s?)*$", False),
        (r"(a|aa)+", True),
        (r"(\w)\1", False),
        (r"(?<!\w)x", False),
        (r"[unclosed", False),
        (r"x*", False),
        (r"\bcolou?r\b", True),
        (r"b[a4]d\s*w[o0]rd", True),
        (r"\d{4}-\d{4}", True),
    ],
)
def test_regex_validation(pattern, ok):
    if ok:
        assert validate_pattern(pattern, is_regex=True) == pattern
    else:
        with pytest.raises(ValidationError):
            validate_pattern(pattern, is_regex=True)


def test_regex_re2_cannot_run_is_not_saved(community, owner):
    with pytest.raises(ValidationError) as error:
        mod.watched_word_add(actor=owner, community=community, pattern=r"(a)\1", is_regex=True, action="block")
    assert "pattern" in error.value.message_dict
    assert not WatchedWord.objects.exists() and not AuditEntry.objects.filter(action="watched_word.added").exists()


# Mutes and rate limits --------------------------------------------------------------------------


def test_muted_members_cannot_post_or_comment_until_the_end(community, moderator, member, post):
    now = timezone.now()
    mod.member_mute(actor=moderator, community=community, user=member, until=now + dt.timedelta(hours=1), reason="x")
    viewer = Viewer(member)
    assert not can_post_in_community(viewer, community)
    assert not can_comment_in_community(viewer, community)
    assert can_react_in_community(viewer, community)
    with pytest.raises(PermissionDenied):
        write_post(member, community)
    with pytest.raises(PermissionDenied):
        post_services.comment_create(actor=member, post=post, body="hi")
    with time_machine.travel(now + dt.timedelta(hours=2)):
        assert can_post_in_community(Viewer(member), community)
        write_post(member, community)


def test_unmute_and_rank_rules(community, moderator, manager, member):
    until = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        mod.member_mute(actor=moderator, community=community, user=manager, until=until, reason="x")
    with pytest.raises(ValidationError):
        mod.member_mute(actor=moderator, community=community, user=member, until=timezone.now(), reason="x")
    mod.member_mute(actor=moderator, community=community, user=member, until=until, reason="x")
    mod.member_unmute(actor=manager, community=community, user=member)
    assert not MemberMute.objects.exists()
    assert can_post_in_community(Viewer(member), community)
    with pytest.raises(ValidationError):
        mod.member_unmute(actor=manager, community=community, user=member)


def test_mute_state_comes_with_the_role_map(community, moderator, member):
    mod.member_mute(
        actor=moderator, community=community, user=member, until=timezone.now() + dt.timedelta(hours=1), reason="x"
    )
    from tests.support.queries import pin_queries

    viewer = Viewer(member)
    with pin_queries(1):
        assert not can_post_in_community(viewer, community)
        assert not can_comment_in_community(viewer, community)


def test_new_members_rate_limit(community, owner, member):
    mod.community_rules_update(actor=owner, community=community, new_member_posts_per_day=2, new_member_days=7)
    write_post(member, community)
    write_post(member, community)
    with pytest.raises(ValidationError) as error:
        write_post(member, community)
    assert "at most 2 posts a day" in " ".join(error.value.messages)
    assert Post.objects.filter(author=member).count() == 2
    veteran = add_person(community)
    Membership.objects.filter(user=veteran).update(created_at=timezone.now() - dt.timedelta(days=30))
    for _ in range(3):
        write_post(veteran, community)


# Hiding, moving, telling the member -------------------------------------------------------------


def test_hide_tells_the_author_and_restores(community, member, moderator, post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mod.post_hide(actor=moderator, post=post, reason="Please keep it friendly")
    assert _count(community) == 0
    note = Notification.objects.get(recipient=member, kind="moderation.action")
    assert note.params["what"] == "post_hidden" and note.params["reason"] == "Please keep it friendly"
    entry = AuditEntry.objects.get(action="post.hidden")
    assert entry.before == {"status": "published"} and entry.after == {"status": "hidden"}
    mod.post_restore(actor=moderator, post=post)
    assert _count(community) == 1


def test_warning_is_a_private_notification(community, member, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mod.member_warn(actor=moderator, community=community, user=member, note="Stay on topic, please")
    note = Notification.objects.get(kind="moderation.action")
    assert note.recipient_id == member.pk and note.params["reason"] == "Stay on topic, please"


def test_move_keeps_both_counters_exact_and_rechecks_mentions(owner, community, member, moderator):
    private = services.community_create(actor=owner, name="Board", visibility=Community.Visibility.PRIVATE)
    Membership.objects.create(user=moderator, community=private, role=Role.MODERATOR)
    outsider = UserFactory.create(handle="otto")
    insider = add_person(private, handle="ida")
    Membership.objects.create(user=insider, community=community)
    post = write_post(member, community, body="Hi @otto and @ida")
    comment = post_services.comment_create(actor=moderator, post=post, body="cc @otto")
    assert set(Mention.objects.values_list("user_id", flat=True)) == {outsider.pk, insider.pk}
    mod.post_move(actor=moderator, post=post, community=private, reason="Belongs to the board")
    post.refresh_from_db()
    assert post.community_id == private.pk
    assert _count(community) == 0 and _count(private) == 1
    assert set(Mention.objects.values_list("user_id", flat=True)) == {insider.pk}
    assert outsider.get_absolute_url() not in post.body_html
    assert outsider.get_absolute_url() not in Comment.objects.get(pk=comment.pk).body_html
    assert insider.get_absolute_url() in post.body_html
    entry = AuditEntry.objects.get(action="post.moved")
    assert entry.before is not None and entry.after is not None
    assert entry.before["community_id"] == community.pk and entry.after["community_id"] == private.pk


def test_move_needs_moderation_of_both_communities(community, moderator, post, other):
    with pytest.raises(PermissionDenied):
        mod.post_move(actor=moderator, post=post, community=other, reason="x")
    assert Post.objects.get(pk=post.pk).community_id == community.pk


# Coordinator scope ------------------------------------------------------------------------------


def test_scoped_coordinator_sees_and_acts_only_inside(community, other, post):
    secret_inside = services.community_create(
        actor=UserFactory.create(), name="Inner", visibility=Community.Visibility.SECRET, category=community.category
    )
    secret_outside = services.community_create(
        actor=UserFactory.create(), name="Hidden", visibility=Community.Visibility.SECRET
    )
    inside = Viewer(scoped_coordinator(categories=[community.category]))
    assert is_coordinator(inside, community) and is_coordinator(inside, secret_inside)
    assert not is_coordinator(inside, other) and not is_coordinator(inside, secret_outside)
    assert is_coordinator(inside)
    visible = set(visible_communities(inside).values_list("pk", flat=True))
    assert secret_inside.pk in visible and secret_outside.pk not in visible
    listed = scoped_coordinator(communities=[secret_inside])
    assert readers_of_community(secret_inside).filter(pk=listed.pk).exists()
    assert not readers_of_community(secret_outside).filter(pk=listed.pk).exists()
    mod.post_hide(actor=inside, post=post, reason="scope")


def test_unscoped_permission_holders_still_coordinate_everything(community):
    holder = scoped_coordinator()
    from communities.models import CoordinatorScope

    CoordinatorScope.objects.filter(user=holder).delete()
    assert is_coordinator(Viewer(holder), community)
    CoordinatorScope.objects.create(user=holder, all_communities=True)
    assert is_coordinator(Viewer(holder), community)
