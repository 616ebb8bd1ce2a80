"""The managers' inbox in two real browsers: reports, held posts and saved replies, live.

Omar (context A) manages two communities and keeps ``/inbox/`` open; Mia (context B) is a member.
1. Mia reports a post through the report dialog; the item arrives in Omar's inbox without a reload
   (``live:inbox-changed``); he claims it and hides the post with a reason; the post page Mia still
   has open greys the post live (``live:post-hidden``); the author's post page tells her why.
2. In a community that holds new members' first posts, Mia's first post waits; Omar approves it from
   the inbox and the post is published.
3. That community addresses people formally ("Sie"): the saved reply Omar inserts into the answer
   of an unanswered question is the formal text with the placeholders filled.
The server is ``asgi_live_server`` (uvicorn: HTTP and websockets).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from communities.core import services
from communities.inbox import services as inbox
from communities.inbox.hooks import open_item
from communities.models import CommunityRules, ContentStatus, InboxItem, Membership, Post
from communities.moderation import services as moderation
from tests.browser.conftest import sign_in, wait_live
from tests.communities.factories import MembershipFactory, write_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000


def _shot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"journey-inbox-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_inbox_report_premoderation_and_saved_reply(browser, two_users_logged_in, asgi_live_server, screenshots_dir):
    a, b = two_users_logged_in
    omar, mia = a.user, b.user
    base = asgi_live_server.url
    owner = UserFactory.create(display_name="Olga Owner")

    # 1. A report, live in the inbox; claimed and resolved by hiding the post ----------------------
    garden = services.community_create(actor=owner, name="Solar Garden")
    MembershipFactory.create(user=omar, community=garden, role=Membership.Role.MANAGER)
    MembershipFactory.create(user=mia, community=garden)
    rude = write_post(owner, garden, title="Wer parkt hier ständig falsch?", body="Ein ziemlich rüder Text.")

    a.page.goto(f"{base}/inbox/")
    expect(a.page.locator("#inbox-empty")).to_contain_text("Nothing needs your attention", timeout=TIMEOUT)
    wait_live(a.page)
    a.page.evaluate("window.__sameDocument = true")

    b.page.goto(f"{base}/posts/{rude.pk}/")
    b.page.locator("#post-report").click()
    dialog = b.page.locator("#report-form")
    expect(dialog).to_be_visible(timeout=TIMEOUT)
    dialog.get_by_label("Harassment").check()
    dialog.get_by_label("Details for the moderators").fill("Das ist beleidigend.")
    _shot(b.page, screenshots_dir, "1-report-dialog")
    dialog.get_by_role("button", name="Send report").click()
    expect(b.page.locator("#report-done")).to_be_visible(timeout=TIMEOUT)

    # Omar's list and counter refresh without a reload.
    row = a.page.locator("#inbox-items li.inbox-item[data-kind=report]")
    expect(row).to_contain_text("Harassment: Das ist beleidigend.", timeout=TIMEOUT)
    expect(row).to_contain_text("Olga Owner")
    expect(a.page.locator("#inbox-open-count")).to_contain_text("1 open", timeout=TIMEOUT)
    assert a.page.evaluate("window.__sameDocument") is True
    _shot(a.page, screenshots_dir, "2-report-arrived-live")

    row.locator("a").first.click()
    expect(a.page.locator("#report-details")).to_contain_text("Harassment", timeout=TIMEOUT)
    expect(a.page.locator("#item-post")).to_contain_text("Wer parkt hier ständig falsch?")
    a.page.locator("#claim").click()
    expect(a.page.locator("#item-assignee")).to_contain_text("Assigned to Omar Haddad", timeout=TIMEOUT)
    wait_live(b.page, f"post.{rude.pk}")  # Mia still has the post open
    resolve = a.page.locator("#resolve-hidden")
    resolve.locator("textarea[name=reason]").fill("Bitte sachlich bleiben.")
    resolve.get_by_role("button", name="Hide").click()
    expect(a.page.locator("main")).to_contain_text("The content has been hidden", timeout=TIMEOUT)
    expect(a.page.locator("#inbox-open-count")).to_contain_text("0 open", timeout=TIMEOUT)
    rude.refresh_from_db()
    assert rude.status == ContentStatus.HIDDEN
    # Mia's open post page greys the post live (post.hidden over the websocket, then a 404 card).
    expect(b.page.locator("[data-post-hidden-notice]")).to_be_visible(timeout=TIMEOUT)
    expect(b.page.locator("article[data-post-page]")).to_have_class(re.compile(r"opacity-50"))
    _shot(b.page, screenshots_dir, "2b-hidden-post-greyed-live")

    # The author (a third person, in a context of her own) is told, with the reason, on the post page.
    olga = sign_in(browser, base, owner)
    try:
        olga.page.goto(f"{base}/posts/{rude.pk}/")
        notice = olga.page.locator("#moderation-notice")
        expect(notice).to_contain_text("Hidden by a moderator", timeout=TIMEOUT)
        expect(notice).to_contain_text("Bitte sachlich bleiben.")
        _shot(olga.page, screenshots_dir, "3-author-sees-hidden-notice")
    finally:
        olga.context.close()

    # 2. Pre-moderation of new members' first posts: held, approved from the inbox ---------------
    night = services.community_create(actor=owner, name="Nachtschicht Zuffenhausen")
    MembershipFactory.create(user=omar, community=night, role=Membership.Role.MANAGER)
    MembershipFactory.create(user=mia, community=night)
    moderation.community_rules_update(
        actor=owner,
        community=night,
        premoderation=CommunityRules.Premoderation.NEW_MEMBERS,
        premoderation_posts=1,
        tonality=CommunityRules.Tonality.SIE,
    )

    a.page.goto(f"{base}/inbox/")
    wait_live(a.page)
    a.page.evaluate("window.__sameDocument = true")
    b.page.goto(f"{base}/communities/{night.slug}/posts/new/")
    b.page.locator("#id_title").fill("Hallo aus der Spätschicht")
    b.page.locator("#id_body").fill("Ich bin neu hier und freue mich auf den Austausch.")
    b.page.locator("#post-form button[type=submit]").click()
    expect(b.page.locator("#moderation-notice")).to_contain_text("Pending review", timeout=TIMEOUT)
    held = Post.objects.get(title="Hallo aus der Spätschicht")
    assert held.status == ContentStatus.PENDING
    _shot(b.page, screenshots_dir, "4-first-post-held")

    held_row = a.page.locator("#inbox-items li.inbox-item[data-kind=held_post]")
    expect(held_row).to_contain_text("Hallo aus der Spätschicht", timeout=TIMEOUT)
    assert a.page.evaluate("window.__sameDocument") is True
    held_row.locator("a").first.click()
    expect(a.page.locator("#item-post")).to_contain_text("Ich bin neu hier", timeout=TIMEOUT)
    a.page.locator("#resolve-approved button").click()
    expect(a.page.locator("#inbox-open-count")).to_contain_text("0 open", timeout=TIMEOUT)
    held.refresh_from_db()
    assert held.status == ContentStatus.PUBLISHED

    b.page.reload()
    expect(b.page.get_by_role("heading", name="Hallo aus der Spätschicht")).to_be_visible(timeout=TIMEOUT)
    expect(b.page.locator("#moderation-notice")).to_have_count(0)
    b.page.goto(f"{base}/communities/{night.slug}/")
    expect(b.page.locator("#post-stream-list")).to_contain_text("Hallo aus der Spätschicht", timeout=TIMEOUT)

    # 3. A saved reply in the community's formal tonality, inserted from an inbox item -----------
    reply = inbox.saved_reply_create(
        actor=owner,
        community=night,
        title="Danke für die Frage",
        body_du="Hallo {member_name}, danke dir für deine Frage! Viele Grüße, {manager_name}",
        body_sie=(
            "Guten Tag {member_name}, vielen Dank für Ihre Frage in {community_name}. "
            "Mit freundlichen Grüßen, {manager_name}"
        ),
    )
    question = write_post(mia, night, kind=Post.Kind.QUESTION, title="Wo finde ich den Schichtplan?")
    assert question.status == ContentStatus.PUBLISHED  # her first post was approved
    item = open_item(
        community=night,
        kind=InboxItem.Kind.UNANSWERED_QUESTION,
        key=f"post:{question.pk}",
        post=question,
        summary=question.title,
    )
    assert item is not None

    a.page.goto(f"{base}/inbox/{item.pk}/")
    a.page.locator("#saved-replies-answer-body summary").click()
    option = a.page.locator(f"#saved-reply-{reply.pk}")
    expect(option).to_be_visible(timeout=TIMEOUT)
    expect(a.page.locator("#saved-replies-answer-body")).to_contain_text("formally (Sie)")
    option.click()
    formal = (
        "Guten Tag Mia Keller, vielen Dank für Ihre Frage in Nachtschicht Zuffenhausen. "
        "Mit freundlichen Grüßen, Omar Haddad"
    )
    expect(a.page.locator("#answer-body")).to_have_value(formal, timeout=TIMEOUT)
    _shot(a.page, screenshots_dir, "5-saved-reply-sie-inserted")
    a.page.get_by_role("button", name="Post answer and mark done").click()
    expect(a.page.locator("#inbox-open-count")).to_contain_text("0 open", timeout=TIMEOUT)

    b.page.goto(f"{base}/posts/{question.pk}/")
    expect(b.page.locator("#comment-list")).to_contain_text("vielen Dank für Ihre Frage", timeout=TIMEOUT)
