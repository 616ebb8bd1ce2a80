"""The gaps of issue 6 end to end: watched words on edits, moderator edits of comments with their
note, moved posts in both moderation logs, reports on direct messages in the coordinators' inbox,
and the permission-checked card behind live hiding. Query counts pinned and constant."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communities.core import services
from communities.inbox import services as inbox_services
from communities.models import Comment, Community, ContentStatus, HiddenMessage, InboxItem, Post, Report, WatchedWord
from communities.moderation import services as mod
from communities.moderation.selectors import log_page_for_community, log_page_for_platform
from communities.posts import services as post_services
from intranet.core.models import AuditEntry
from intranet.core.viewer import Viewer
from intranet.messaging import services as messaging
from intranet.messaging.models import Conversation, Message
from intranet.notifications.models import Notification
from tests.communities.moderation.conftest import Role, add_person, scoped_coordinator, write_post
from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs=kwargs)


def word(community: Community | None, pattern: str, action: str, owner=None) -> WatchedWord:
    actor = owner or UserFactory.create(is_staff=True)
    return mod.watched_word_add(actor=actor, community=community, pattern=pattern, action=action)


# 2. Watched words on edits ----------------------------------------------------------------------


def test_blocked_word_refuses_a_post_edit_with_a_clear_message(community, owner, member, client):
    post = write_post(member, community, title="Fine", body="All good")
    word(community, "forbidden", WatchedWord.Action.BLOCK, owner)
    with pytest.raises(ValidationError) as error:
        post_services.post_update(actor=member, post=post, body="Now forbidden")
    assert "does not allow" in " ".join(error.value.message_dict["body"])
    post.refresh_from_db()
    assert post.body_source == "All good" and not post.revisions.exists()
    client.force_login(member)
    response = client.post(url("post_edit", pk=post.pk), {"title": "Fine", "body": "forbidden again", "tags": ""})
    assert response.status_code == 400 and "does not allow" in response.content.decode()


def test_blocked_word_refuses_a_comment_edit(community, owner, member, post, moderator):
    comment = post_services.comment_create(actor=member, post=post, body="Nice")
    word(None, "verboten", WatchedWord.Action.BLOCK)
    for actor, reason in ((member, ""), (moderator, "tone")):  # moderators are held to blocking words too
        with pytest.raises(ValidationError) as error:
            post_services.comment_update(actor=actor, comment=comment, body="Das ist verboten", reason=reason)
        assert "does not allow" in " ".join(error.value.message_dict["body"])
    comment.refresh_from_db()
    assert comment.body_source == "Nice"


def test_hold_word_in_an_edit_takes_the_post_back_to_review(
    community, owner, member, client, django_capture_on_commit_callbacks
):
    post = write_post(member, community, title="Fine", body="All good")
    count = Community.objects.get(pk=community.pk).post_count
    word(community, "crypto", WatchedWord.Action.HOLD, owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_services.post_update(actor=member, post=post, body="Buy crypto now")
    post.refresh_from_db()
    assert post.status == ContentStatus.PENDING
    assert Community.objects.get(pk=community.pk).post_count == count - 1
    item = InboxItem.objects.get(kind="held_post", key=f"post:{post.pk}")
    assert item.is_open and "crypto" in item.summary
    assert callbacks  # post.hidden goes out on commit (see the websocket test)
    reader = add_person(community)
    client.force_login(reader)
    assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(post.get_absolute_url()).status_code == 200
    # approving from the inbox publishes it again
    inbox_services.inbox_item_resolve(actor=owner, item=item, action="approved")
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED
    assert Community.objects.get(pk=community.pk).post_count == count


def test_post_edit_view_tells_the_author_it_waits(community, owner, member, client):
    post = write_post(member, community, title="Fine", body="All good")
    word(community, "crypto", WatchedWord.Action.HOLD, owner)
    client.force_login(member)
    response = client.post(url("post_edit", pk=post.pk), {"title": "Fine", "body": "crypto", "tags": ""}, follow=True)
    assert "waits for a moderator" in response.content.decode()


def test_flag_word_in_an_edit_opens_a_flagged_item_once(community, owner, member):
    post = write_post(member, community, title="Fine", body="All good")
    word(community, "competitor", WatchedWord.Action.FLAG, owner)
    post_services.post_update(actor=member, post=post, body="Ask the competitor")
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED
    item = InboxItem.objects.get(kind="flagged_post", key=f"post:{post.pk}")
    inbox_services.inbox_item_resolve(actor=owner, item=item, action="dismissed")
    # fixing a typo around a word that matched before flags nothing again
    post_services.post_update(actor=member, post=post, body="Ask the competitor, please")
    assert InboxItem.objects.filter(kind="flagged_post", key=f"post:{post.pk}").count() == 1


def test_moderators_are_not_held_by_their_own_edits(community, owner, moderator, post):
    word(community, "crypto", WatchedWord.Action.HOLD, owner)
    post_services.post_update(actor=moderator, post=post, body="Mentions crypto", reason="context")
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED


def test_hold_word_in_a_comment_edit_holds_the_comment_until_approved(community, owner, member, post):
    comment = post_services.comment_create(actor=member, post=post, body="Nice")
    assert Post.objects.get(pk=post.pk).comment_count == 1
    word(community, "crypto", WatchedWord.Action.HOLD, owner)
    post_services.comment_update(actor=member, comment=comment, body="Nice crypto")
    comment.refresh_from_db()
    assert comment.status == ContentStatus.PENDING
    assert Post.objects.get(pk=post.pk).comment_count == 0
    item = InboxItem.objects.get(kind="held_post", key=f"comment:{comment.pk}")
    inbox_services.inbox_item_resolve(actor=owner, item=item, action="approved")
    comment.refresh_from_db()
    assert comment.status == ContentStatus.PUBLISHED
    assert Post.objects.get(pk=post.pk).comment_count == 1


def test_held_comment_can_be_rejected_from_the_inbox(community, owner, member, post):
    comment = post_services.comment_create(actor=member, post=post, body="Nice")
    word(community, "crypto", WatchedWord.Action.HOLD, owner)
    post_services.comment_update(actor=member, comment=comment, body="crypto")
    item = InboxItem.objects.get(kind="held_post", key=f"comment:{comment.pk}")
    inbox_services.inbox_item_resolve(actor=owner, item=item, action="rejected", reason="no ads")
    comment.refresh_from_db()
    assert comment.status == ContentStatus.HIDDEN
    assert AuditEntry.objects.filter(action="comment.rejected", reason="no ads").count() == 1


def test_flag_word_in_a_comment_edit(community, owner, member, post):
    comment = post_services.comment_create(actor=member, post=post, body="Nice")
    word(community, "competitor", WatchedWord.Action.FLAG, owner)
    post_services.comment_update(actor=member, comment=comment, body="Like the competitor")
    assert InboxItem.objects.filter(kind="flagged_post", key=f"comment:{comment.pk}").exists()
    assert Comment.objects.get(pk=comment.pk).status == ContentStatus.PUBLISHED


# 3. Moderator edits of comments -----------------------------------------------------------------


def test_moderator_edit_of_a_comment_needs_a_reason_is_audited_and_told(
    community, member, moderator, post, client, django_capture_on_commit_callbacks
):
    comment = post_services.comment_create(actor=member, post=post, body="You are all idiots")
    with pytest.raises(ValidationError):
        post_services.comment_update(actor=moderator, comment=comment, body="[removed insult]")
    with django_capture_on_commit_callbacks(execute=True):
        post_services.comment_update(actor=moderator, comment=comment, body="[removed insult]", reason="No insults")
    entry = AuditEntry.objects.get(action="comment.edited")
    assert entry.before == {"body_source": "You are all idiots"} and entry.after == {"body_source": "[removed insult]"}
    assert entry.reason == "No insults" and entry.scope == f"community:{community.pk}"
    told = Notification.objects.get(recipient=member, kind="moderation.action")
    assert told.params["what"] == "comment_edited" and told.params["reason"] == "No insults"
    client.force_login(add_person(community))
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}-edited-by-moderator"' in html and "No insults" in html
    # the author's own later edit drops the note
    post_services.comment_update(actor=member, comment=comment, body="Sorry")
    comment.refresh_from_db()
    assert comment.moderator_note == "" and comment.edited_by_id == member.pk
    assert AuditEntry.objects.filter(action="comment.edited").count() == 1


def test_comment_edit_view_asks_moderators_for_a_reason(community, member, moderator, post, client):
    comment = post_services.comment_create(actor=member, post=post, body="Original")
    client.force_login(moderator)
    page = client.get(url("comment_edit", pk=comment.pk)).content.decode()
    assert 'name="reason"' in page
    response = client.post(url("comment_edit", pk=comment.pk), {"body": "Changed"})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    response = client.post(url("comment_edit", pk=comment.pk), {"body": "Changed", "reason": "Off-topic part"})
    assert response.status_code == 302
    client.force_login(member)
    assert 'name="reason"' not in client.get(url("comment_edit", pk=comment.pk)).content.decode()


def test_moderator_edit_of_a_post_shows_the_reason_and_tells_the_author(
    community, member, moderator, post, client, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("post_edit", pk=post.pk), {"title": post.title, "body": "Cleaned", "tags": "", "reason": "Phone number"}
        )
    assert response.status_code == 302
    assert Notification.objects.get(recipient=member, kind="moderation.action").params["what"] == "post_edited"
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'id="edited-by-moderator"' in html and "Phone number" in html
    assert AuditEntry.objects.filter(action="post.edited").count() == 1


def test_post_page_with_moderator_edited_comments_keeps_its_query_count(community, member, moderator, post, client):
    reader = add_person(community)
    client.force_login(reader)

    def add(n: int) -> None:
        for _ in range(n):
            comment = post_services.comment_create(actor=member, post=post, body="Text")
            post_services.comment_update(actor=moderator, comment=comment, body="Edited", reason="why")

    assert_constant_queries(add_rows=add, action=lambda: client.get(post.get_absolute_url()))


# 4. Moved posts in both logs --------------------------------------------------------------------


def test_a_moved_post_is_one_row_listed_in_both_communities_logs(community, other, owner, member, client):
    dest = services.community_create(actor=owner, name="Destination", category=community.category)
    post = write_post(member, community)
    mod.post_move(actor=owner, post=post, community=dest, reason="wrong place")
    entry = AuditEntry.objects.get(action="post.moved")
    assert AuditEntry.objects.filter(action="post.moved").count() == 1
    viewer = Viewer(owner)
    assert entry in list(log_page_for_community(viewer, community))
    assert entry in list(log_page_for_community(viewer, dest))
    assert entry not in list(log_page_for_community(Viewer(other.memberships.first().user), other))
    # a coordinator scoped to the destination only sees the arrival in the platform log
    scoped = scoped_coordinator(communities=[dest])
    assert entry in list(log_page_for_platform(Viewer(scoped)))
    outside = scoped_coordinator(communities=[other])
    assert entry not in list(log_page_for_platform(Viewer(outside)))
    # by category too
    by_category = scoped_coordinator(categories=[community.category])
    assert entry in list(log_page_for_platform(Viewer(by_category)))
    client.force_login(owner)
    html = client.get(url("moderation_log", slug=dest.slug)).content.decode()
    assert "wrong place" in html
    csv_text = b"".join(client.get(url("moderation_log_export", slug=dest.slug)).streaming_content).decode()
    assert "post.moved" in csv_text


def test_destination_log_query_count_is_constant_with_moves(community, owner, member, client):
    dest = services.community_create(actor=owner, name="Destination", category=community.category)
    client.force_login(owner)

    def move(n: int) -> None:
        for _ in range(n):
            mod.post_move(actor=owner, post=write_post(member, community), community=dest, reason="move")

    # user, permission and role maps, community, one page of entries with their actors; the moved
    # posts and the community they left, named in the sentences
    assert_constant_queries(add_rows=move, action=lambda: client.get(url("moderation_log", slug=dest.slug)), expected=6)


# 1. Reports on direct messages in the inbox -----------------------------------------------------


def _dm_report(text: str = "Buy my stuff") -> tuple[Report, Message]:
    sender, receiver = UserFactory.create(), UserFactory.create()
    _conversation, message = messaging.conversation_start(actor=sender, recipients=[receiver], body=text)
    return mod.report_create(actor=receiver, message=message, reason="spam"), message


def test_message_reports_tab_for_coordinators_of_everything_only(client, community, moderator):
    report, _message = _dm_report()
    staff = UserFactory.create(is_staff=True)
    client.force_login(staff)
    page = client.get(url("inbox_messages"))
    assert page.status_code == 200 and f'id="message-report-{report.pk}"' in page.content.decode()
    assert 'id="inbox-tab-messages"' in client.get(url("inbox")).content.decode()
    for person in (moderator, scoped_coordinator(categories=[community.category]), UserFactory.create()):
        client.force_login(person)
        assert client.get(url("inbox_messages")).status_code == 404
        assert client.post(url("inbox_message_action", pk=report.pk), {"action": "dismiss"}).status_code == 404
    client.force_login(moderator)
    assert 'id="inbox-tab-messages"' not in client.get(url("inbox")).content.decode()
    assert Report.objects.get(pk=report.pk).status == Report.Status.OPEN


def test_message_reports_tab_query_count_is_constant(client):
    client.force_login(UserFactory.create(is_staff=True))
    # session, user, one page of open reports with their authors (staff needs no maps)
    assert_constant_queries(
        add_rows=lambda n: [_dm_report() for _ in range(n)],
        action=lambda: client.get(url("inbox_messages")),
        expected=3,
    )


def test_message_reports_tab_pages_by_keyset(client):
    for _ in range(27):
        _dm_report()
    client.force_login(UserFactory.create(is_staff=True))
    first = client.get(url("inbox_messages"))
    assert first.context["next_url"]
    second = client.get(first.context["next_url"])
    assert len(first.context["page"].items) == 25 and len(second.context["page"].items) == 2
    assert client.get(url("inbox_messages"), {"cursor": "garbage"}).status_code == 400


def test_hiding_a_reported_message_from_the_inbox(client, django_capture_on_commit_callbacks):
    report, message = _dm_report("Confidential numbers: 42")
    staff = UserFactory.create(is_staff=True)
    client.force_login(staff)
    response = client.post(url("inbox_message_action", pk=report.pk), {"action": "hide", "reason": ""})
    assert response.status_code == 302 and not HiddenMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("inbox_message_action", pk=report.pk), {"action": "hide", "reason": "Confidential"})
    message.refresh_from_db()
    assert "hidden by a coordinator" in message.body_text and "42" not in message.body_html
    assert Conversation.objects.get(pk=message.conversation_id).last_message_preview == message.body_text
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED
    entries = list(AuditEntry.objects.filter(action__startswith="message."))
    assert [e.action for e in entries] == ["message.hidden"] and entries[0].scope == "platform"
    assert AuditEntry.objects.filter(action__startswith="report.").count() == 0  # one row per action
    told = Notification.objects.get(recipient_id=message.author_id, kind="moderation.action")
    assert told.params["what"] == "message_hidden" and told.params["reason"] == "Confidential"
    # the participant's conversation shows the notice, not the text
    client.force_login(report.entries.get().reporter)
    html = client.get(message.get_absolute_url().split("#")[0]).content.decode()
    assert "hidden by a coordinator" in html and "Confidential numbers" not in html
    # the report page offers the restore; restoring puts the text back, audited
    client.force_login(staff)
    detail = client.get(url("report_detail", pk=report.pk)).content.decode()
    assert 'id="restore-message"' in detail
    hidden = HiddenMessage.objects.get()
    client.post(url("message_restore", pk=hidden.pk), {"reason": "Mistake"})
    message.refresh_from_db()
    assert message.body_source == "Confidential numbers: 42" and not HiddenMessage.objects.exists()
    assert AuditEntry.objects.filter(action="message.restored").count() == 1


def test_restore_is_404_for_scoped_coordinators(client, community):
    report, _message = _dm_report()
    hidden = mod.message_hide(actor=UserFactory.create(is_staff=True), report=report, reason="spam")
    client.force_login(scoped_coordinator(categories=[community.category]))
    assert client.post(url("message_restore", pk=hidden.pk)).status_code == 404
    assert HiddenMessage.objects.filter(pk=hidden.pk).exists()


def test_dismissing_a_message_report_from_the_tab(client):
    report, message = _dm_report()
    client.force_login(UserFactory.create(is_staff=True))
    client.post(url("inbox_message_action", pk=report.pk), {"action": "dismiss", "reason": "fine"})
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    assert Message.objects.get(pk=message.pk).body_source == "Buy my stuff"
    assert [e.action for e in AuditEntry.objects.all()] == ["report.dismissed"]


# 5. The card behind live hiding -----------------------------------------------------------------


def test_post_card_is_404_for_readers_once_hidden_and_badged_for_moderators(client, community, member, moderator, post):
    reader = add_person(community)
    client.force_login(reader)
    assert client.get(url("post_card", pk=post.pk)).status_code == 200
    mod.post_hide(actor=moderator, post=post, reason="spam")
    assert client.get(url("post_card", pk=post.pk)).status_code == 404
    client.force_login(moderator)
    card = client.get(url("post_card", pk=post.pk)).content.decode()
    assert "data-post-status" in card and "Hidden by a moderator" in card
    client.force_login(member)  # the author still sees it
    assert client.get(url("post_card", pk=post.pk)).status_code == 200
    mod.post_restore(actor=moderator, post=post)
    client.force_login(reader)
    assert "data-post-status" not in client.get(url("post_card", pk=post.pk)).content.decode()


def test_post_card_query_count(client, community, member, post):
    client.force_login(add_person(community))

    def react(n: int) -> None:
        for _ in range(n):
            post_services.reaction_toggle(actor=add_person(community), post=post, kind="like")

    # user, permission and role maps, visibility-filtered post with community and author, tags, own reactions
    assert_constant_queries(add_rows=react, action=lambda: client.get(url("post_card", pk=post.pk)), expected=5)


__all__ = ["Role"]
