"""Moderation screens over HTTP: report dialog, moderation pages, sanctions, settings with the test
box, logs with search, pagination and CSV export; 404 like missing; pinned, constant query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.core import services
from communities.models import CommunityRules, ContentStatus, MemberMute, Post, Report, WatchedWord
from communities.moderation import services as mod
from communities.moderation.forms import TEST_TEXT_MAX
from communities.posts import services as post_services
from tests.communities.moderation.conftest import Role, add_person, scoped_coordinator, write_post
from tests.factories import UserFactory
from tests.support.forms import with_key
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(f"communities:{name}", kwargs=kwargs)


# Reports ----------------------------------------------------------------------------------------


def test_report_dialog_over_htmx(client, post, community):
    reader = add_person(community)
    client.force_login(reader)
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="post-report"' in page and 'id="post-moderate"' not in page
    response = client.get(url("post_report", pk=post.pk), **HTMX)
    assert response.status_code == 200 and b'id="report-form"' in response.content and b"<html" not in response.content
    response = client.post(url("post_report", pk=post.pk), {"reason": "other", "text": ""}, **HTMX)
    assert response.status_code == 200 and b"invalid-feedback" in response.content
    assert not Report.objects.exists()
    response = client.post(url("post_report", pk=post.pk), {"reason": "spam", "text": "ads"}, **HTMX)
    assert b'id="report-done"' in response.content
    assert Report.objects.get().reporter_count == 1


def test_report_without_javascript_and_own_content(client, post, member, community):
    client.force_login(add_person(community))
    assert client.get(url("post_report", pk=post.pk)).status_code == 200
    response = client.post(url("post_report", pk=post.pk), {"reason": "spam"})
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    client.force_login(member)
    assert client.get(url("post_report", pk=post.pk)).status_code == 403
    comment = post_services.comment_create(actor=member, post=post, body="mine")
    client.force_login(add_person(community))
    assert client.post(url("comment_report", pk=comment.pk), {"reason": "harassment"}).status_code == 302


def test_report_dialog_query_count(client, post, community):
    client.force_login(add_person(community))
    # user, permission map, role map with mutes, visibility-filtered post with community
    assert_constant_queries(
        add_rows=lambda n: [mod.report_create(actor=add_person(community), post=post, reason="spam") for _ in range(n)],
        action=lambda: client.get(url("post_report", pk=post.pk), **HTMX),
        expected=3,
    )


def test_message_report_is_404_for_outsiders(client):
    from intranet.messaging.services import conversation_start

    sender, receiver = UserFactory.create(), UserFactory.create()
    _c, message = conversation_start(actor=sender, recipients=[receiver], body="hello")
    client.force_login(UserFactory.create())
    assert client.get(url("message_report", pk=message.pk)).status_code == 404
    assert client.get(url("message_report", pk=message.pk + 1000)).status_code == 404
    client.force_login(receiver)
    assert client.post(url("message_report", pk=message.pk), {"reason": "spam"}).status_code == 302
    report = Report.objects.get()
    staff = UserFactory.create(is_staff=True)
    client.force_login(staff)
    response = client.post(url("report_detail", pk=report.pk), {"action": "dismiss", "note": "ok"})
    assert response.status_code == 302
    assert Report.objects.get().status == Report.Status.DISMISSED


def test_report_detail_page(client, post, community, moderator):
    report = mod.report_create(actor=add_person(community), post=post, reason="spam", text="ads")
    client.force_login(add_person(community))
    assert client.get(url("report_detail", pk=report.pk)).status_code == 404
    client.force_login(moderator)
    assert_constant_queries(
        add_rows=lambda n: [mod.report_create(actor=add_person(community), post=post, reason="spam") for _ in range(n)],
        action=lambda: client.get(url("report_detail", pk=report.pk)),
        expected=4,  # user, report with its item and people, role map, reporters
    )
    response = client.post(url("report_detail", pk=report.pk), {"action": "resolve", "note": "hidden"})
    assert response.status_code == 302 and Report.objects.get().status == Report.Status.RESOLVED


# Moderating content -----------------------------------------------------------------------------


def test_hidden_post_is_404_for_others_and_explained_to_its_author(client, post, member, moderator, community):
    client.force_login(moderator)
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="post-moderate"' in page
    response = client.post(url("post_moderate", pk=post.pk), {"action": "hide", "reason": ""})
    assert response.status_code == 400 and Post.objects.get().status == ContentStatus.PUBLISHED
    response = client.post(url("post_moderate", pk=post.pk), {"action": "hide", "reason": "Advertising"})
    assert response.status_code == 302 and Post.objects.get().status == ContentStatus.HIDDEN
    client.force_login(add_person(community))
    missing = client.get(url("post_detail", pk=post.pk + 1000))
    hidden = client.get(post.get_absolute_url())
    assert hidden.status_code == missing.status_code == 404
    client.force_login(member)
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="moderation-notice"' in page and "Advertising" in page


def test_held_post_is_marked_pending_for_its_author(client, community, owner, member):
    mod.community_rules_update(actor=owner, community=community, premoderation=CommunityRules.Premoderation.ALL)
    client.force_login(member)
    response = client.post(url("post_create", slug=community.slug), with_key(kind="discussion", title="T", body="B"))
    held = Post.objects.get()
    assert response.status_code == 302 and held.status == ContentStatus.PENDING
    assert "Pending review" in client.get(held.get_absolute_url()).content.decode()
    client.force_login(add_person(community))
    assert client.get(held.get_absolute_url()).status_code == 404
    client.force_login(owner)
    client.post(url("post_moderate", pk=held.pk), {"action": "approve"})
    client.force_login(add_person(community))
    assert client.get(held.get_absolute_url()).status_code == 200


def test_blocked_word_refused_in_the_form(client, community, owner, member):
    mod.watched_word_add(actor=owner, community=community, pattern="forbidden", action="block")
    client.force_login(member)
    response = client.post(
        url("post_create", slug=community.slug), with_key(kind="discussion", title="T", body="a forbidden thing")
    )
    assert response.status_code == 400
    assert "“forbidden”" in response.content.decode()
    assert not Post.objects.exists()


def test_edited_by_moderator_note(client, post, moderator, member):
    post_services.post_update(actor=moderator, post=post, body="Cleaned up", reason="tidy")
    client.force_login(member)
    assert 'id="edited-by-moderator"' in client.get(post.get_absolute_url()).content.decode()


def test_post_moderation_page(client, post, community, moderator, member, owner):
    client.force_login(member)
    assert client.get(url("post_moderate", pk=post.pk)).status_code == 403

    def add_targets(n: int) -> None:
        for i in range(n):
            target = services.community_create(actor=owner, name=f"Target {i} {timezone.now().timestamp()}")
            add_person(target, Role.MODERATOR).delete()
            services.membership_change_role  # noqa: B018 - owners moderate their own communities

    client.force_login(owner)
    # user, post, role map, permissions, move targets
    assert_constant_queries(
        add_rows=add_targets, action=lambda: client.get(url("post_moderate", pk=post.pk)), expected=4
    )
    target = services.community_create(actor=owner, name="Destination")
    response = client.post(url("post_moderate", pk=post.pk), {"action": "move", "community": target.pk, "reason": "x"})
    assert response.status_code == 302 and Post.objects.get().community_id == target.pk


def test_comment_moderation(client, post, community, moderator):
    comment = post_services.comment_create(actor=add_person(community), post=post, body="rude words")
    client.force_login(moderator)
    assert client.get(url("comment_moderate", pk=comment.pk)).status_code == 200
    response = client.post(url("comment_moderate", pk=comment.pk), {"action": "hide", "reason": "rude"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == ContentStatus.HIDDEN


def test_member_sanctions(client, community, moderator, member):
    page = url("member_sanction", slug=community.slug, user_id=member.pk)
    client.force_login(add_person(community))
    assert client.get(page).status_code == 403
    client.force_login(moderator)
    # user, community, person, their membership, role map, permissions, mute
    assert_constant_queries(add_rows=lambda n: None, action=lambda: client.get(page), expected=6)
    assert client.post(page, {"action": "warn", "note": ""}).status_code == 400
    assert client.post(page, {"action": "warn", "note": "Be nice"}).status_code == 302
    assert client.post(page, {"action": "mute", "duration": "1d", "reason": "cool off"}).status_code == 302
    assert MemberMute.objects.get().until > timezone.now() + dt.timedelta(hours=23)
    client.force_login(member)
    assert client.get(url("post_create", slug=community.slug)).status_code == 403
    client.force_login(moderator)
    assert client.post(page, {"action": "unmute"}).status_code == 302
    assert not MemberMute.objects.exists()


# Settings, watched words, test box --------------------------------------------------------------


def test_settings_page(client, community, manager, moderator):
    page = url("moderation_settings", slug=community.slug)
    client.force_login(moderator)
    assert client.get(page).status_code == 403
    client.force_login(manager)

    def add_words(n: int) -> None:
        for i in range(n):
            WatchedWord.objects.create(community=community, pattern=f"w{i}{timezone.now().timestamp()}")
            WatchedWord.objects.create(community=None, pattern=f"p{i}{timezone.now().timestamp()}")

    # user, permission and role maps, community, words, rules
    assert_constant_queries(add_rows=add_words, action=lambda: client.get(page), expected=5)
    response = client.post(
        page,
        {
            "action": "rules",
            "premoderation": "new_members",
            "premoderation_posts": "2",
            "new_member_days": "5",
            "new_member_posts_per_day": "3",
            "tonality": "sie",
        },
    )
    assert response.status_code == 302
    rules = CommunityRules.objects.get(community=community)
    assert (rules.premoderation, rules.premoderation_posts, rules.tonality) == ("new_members", 2, "sie")


def test_word_add_and_test_box(client, community, manager):
    page = url("moderation_settings", slug=community.slug)
    client.force_login(manager)
    response = client.post(
        page, {"action": "add_word", "word-pattern": r"(a)\1", "word-is_regex": "on", "word-action": "block"}
    )
    assert response.status_code == 400 and "Backreferences" in response.content.decode()
    assert not WatchedWord.objects.exists()
    response = client.post(page, {"action": "add_word", "word-pattern": "confidential", "word-action": "hold"})
    assert response.status_code == 302
    word = WatchedWord.objects.get()
    assert (word.pattern, word.action, word.is_regex) == ("confidential", "hold", False)
    response = client.post(page, {"action": "test", "text": "This is CONFIDENTIAL."}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "held for review" in html and "<html" not in html
    response = client.post(page, {"action": "test", "text": "harmless", "pattern": "(?<!a)b", "is_regex": "on"}, **HTMX)
    assert "cannot be used" in response.content.decode()
    response = client.post(page, {"action": "test", "text": "colour", "pattern": "colou?r", "is_regex": "on"}, **HTMX)
    assert "matches this text" in response.content.decode()
    response = client.post(url("watched_word_remove", pk=word.pk))
    assert response.status_code == 302 and not WatchedWord.objects.exists()


def test_test_box_caps_the_sample_text(client, community, manager):
    page = url("moderation_settings", slug=community.slug)
    client.force_login(manager)
    mod.watched_word_add(actor=manager, community=community, pattern=r"a*a*a*b", is_regex=True, action="hold")
    response = client.post(page, {"action": "test", "text": "a" * (TEST_TEXT_MAX + 1)})
    assert response.status_code == 400
    assert f"at most {TEST_TEXT_MAX} characters" in response.content.decode()
    response = client.post(
        page, {"action": "test", "text": "a" * TEST_TEXT_MAX, "pattern": "(a+)+$", "is_regex": "on"}, **HTMX
    )
    assert response.status_code == 200 and "matches this text" in response.content.decode()


def test_platform_words_page(client, community):
    client.force_login(scoped_coordinator(categories=[community.category]))
    assert client.get(url("platform_words")).status_code == 404
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(url("platform_words")).status_code == 200


# The moderation log -----------------------------------------------------------------------------


def _hide_posts(community, actor, n: int) -> None:
    for i in range(n):
        post = write_post(add_person(community), community, title=f"Post {i}")
        mod.post_hide(actor=actor, post=post, reason=f"reason {i}")


def test_community_log_search_pages_and_permissions(client, community, manager, moderator):
    page = url("moderation_log", slug=community.slug)
    client.force_login(moderator)
    assert client.get(page).status_code == 404
    client.force_login(manager)
    # user, permission and role maps, community, one page of entries with their actors, the posts
    # the sentences name (with their authors)
    assert_constant_queries(
        add_rows=lambda n: _hide_posts(community, manager, n), action=lambda: client.get(page), expected=5
    )
    html = client.get(page, {"q": "reason 3"}).content.decode()
    assert "reason 3" in html and "reason 4" not in html
    _hide_posts(community, manager, 50)
    first = client.get(page)
    assert first.context["more_url"]
    second = client.get(first.context["more_url"])
    ids_first = {e.pk for e in first.context["entries"]}
    ids_second = {e.pk for e in second.context["entries"]}
    assert ids_first and ids_second and not ids_first & ids_second


def test_csv_export(client, community, manager):
    post = write_post(add_person(community), community)
    mod.post_hide(actor=manager, post=post, reason="=HYPERLINK(evil)")
    client.force_login(manager)
    response = client.get(url("moderation_log_export", slug=community.slug))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "Action"
    hidden = [r for r in rows[1:] if r[2] == "post.hidden"]
    assert len(hidden) == 1 and hidden[0][5] == "'=HYPERLINK(evil)"
    assert '"hidden"' in hidden[0][7]
    client.force_login(add_person(community))
    assert client.get(url("moderation_log_export", slug=community.slug)).status_code == 404


def test_platform_csv_export_neutralises_formulas_everywhere(client, community, owner):
    """Actor names and fullwidth signs are neutralised too, in the platform log (issue 17, item 16)."""
    owner.display_name = "@SUM(1+1)"
    owner.save(update_fields=["display_name"])
    post = write_post(add_person(community), community)
    mod.post_hide(actor=owner, post=post, reason="\uff1dcmd|' /C calc'!A0")
    client.force_login(UserFactory.create(is_staff=True))
    response = client.get(url("platform_log_export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    hidden = [r for r in csv.reader(io.StringIO(text)) if r[2] == "post.hidden"]
    assert len(hidden) == 1
    assert hidden[0][1] == "'@SUM(1+1)" and hidden[0][5] == "'\uff1dcmd|' /C calc'!A0"


def test_platform_log_respects_scope(client, community, other, owner):
    _hide_posts(community, owner, 1)
    other_owner = other.memberships.get(role=Role.OWNER).user
    _hide_posts(other, other_owner, 1)
    coordinator = scoped_coordinator(categories=[community.category])
    client.force_login(coordinator)
    response = client.get(url("platform_log"))
    scopes = {e.scope for e in response.context["entries"]}
    assert scopes == {f"community:{community.pk}"}
    # user, permissions, coordinator scope, one page of entries with their actors, the posts and
    # communities the sentences name
    assert_constant_queries(
        add_rows=lambda n: _hide_posts(community, owner, n), action=lambda: client.get(url("platform_log")), expected=6
    )
    text = b"".join(client.get(url("platform_log_export")).streaming_content).decode()  # type: ignore[attr-defined]
    assert f"community:{other.pk}" not in text and f"community:{community.pk}" in text
    client.force_login(UserFactory.create())
    assert client.get(url("platform_log")).status_code == 404
