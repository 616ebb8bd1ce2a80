"""Choosing people by name in a real browser (issue 18, items 4 to 6).

The @mention picker finds "Jürgen" from "@Jür"; a community manager invites a colleague and an
owner hands a community over, both by typing part of a name with an umlaut and choosing from the
accessible listbox with the keyboard; an owner assigns an inbox item to a co-moderator found the
same way (only people who may work the item are offered); a reader answers a thread in place,
without a reload.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from communities.core.services import community_create
from communities.inbox.hooks import open_item
from communities.models import Comment, Community, InboxItem, Membership, Post
from communities.posts import services as post_services
from tests.browser.conftest import sign_in
from tests.communities.factories import add_person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 15_000
Role = Membership.Role
State = Membership.State


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"journey-picking-people-{name}.png"), full_page=True)


def _no_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _community(owner, name: str = "Radfahren Stuttgart") -> Community:  # type: ignore[no-untyped-def]
    return community_create(
        actor=owner,
        name=name,
        description="Gemeinsame Touren rund um Stuttgart.",
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
    )


def _option(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator('[role="listbox"] [role="option"]', has_text=name)


def test_mention_picker_finds_juergen_from_an_umlaut(browser, live_server, screenshots_dir: Path):
    mia = UserFactory.create(email="mia.keller@corp.example", display_name="Mia Keller", handle="mia.keller")
    UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    UserFactory.create(display_name="Anna Schmidt", handle="anna.schmidt")
    cycling = _community(mia)
    signed = sign_in(browser, live_server.url, mia)
    page = signed.page
    page.goto(f"{live_server.url}/communities/{cycling.slug}/posts/new/")
    body = page.locator("#id_body")
    body.click()
    body.press_sequentially("Wer kommt mit? @Jür", delay=30)
    expect(_option(page, "Jürgen Groß")).to_be_visible(timeout=TIMEOUT)
    expect(body).to_have_attribute("aria-expanded", "true")
    expect(page.locator('[role="listbox"]')).not_to_contain_text("Anna Schmidt")
    _shot(page, screenshots_dir, "mention-listbox")
    body.press("Enter")
    expect(body).to_have_value("Wer kommt mit? @juergen.gross ")
    expect(body).to_have_attribute("aria-expanded", "false")
    signed.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_manager_invites_a_colleague_chosen_by_name(browser, live_server, screenshots_dir: Path, width: int):
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    juergen = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    UserFactory.create(display_name="Jürgen Gegangen", handle="juergen.gegangen", is_active=False)
    cycling = _community(omar)
    signed = sign_in(browser, live_server.url, omar)
    page = signed.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/communities/{cycling.slug}/members/")
    # The field's label names the name search (an ARIA combobox), not the hidden handle.
    field = page.get_by_role("combobox", name="Person")
    field.click()
    field.press_sequentially("jürg", delay=30)
    expect(_option(page, "Jürgen Groß")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator('[role="listbox"]')).not_to_contain_text("Jürgen Gegangen")
    expect(page.locator('[role="listbox"]')).not_to_contain_text("Omar Haddad")  # not oneself
    _shot(page, screenshots_dir, f"invite-listbox-{width}")
    field.press("ArrowDown")
    field.press("ArrowUp")
    field.press("Enter")
    expect(page.locator(".person-chip")).to_have_text("Jürgen Groß")
    expect(field).to_have_value("")
    _no_overflow(page)
    _shot(page, screenshots_dir, f"invite-chosen-{width}")
    page.locator("#invite").get_by_role("button", name="Invite", exact=True).click()
    expect(page.locator("body")).to_contain_text("Jürgen Groß has been invited.", timeout=TIMEOUT)
    assert Membership.objects.get(community=cycling, user=juergen).state == State.INVITED
    signed.context.close()


def test_unknown_person_typed_without_choosing_answers_on_the_form(browser, live_server):
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    cycling = _community(omar)
    signed = sign_in(browser, live_server.url, omar)
    page = signed.page
    page.goto(f"{live_server.url}/communities/{cycling.slug}/members/")
    field = page.get_by_role("combobox", name="Person")
    field.fill("niemand@example.com")
    page.locator("#invite").get_by_role("button", name="Invite", exact=True).click()
    expect(page.locator("#invite-person-error")).to_contain_text("Nobody here is called “niemand@example.com”")
    signed.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_owner_hands_over_to_a_successor_chosen_by_name(browser, live_server, screenshots_dir: Path, width: int):
    otto = UserFactory.create(email="otto.owner@corp.example", display_name="Otto Owner", handle="otto.owner")
    successor = UserFactory.create(display_name="Jürgen Groß", handle="juergen.gross")
    cycling = _community(otto)
    signed = sign_in(browser, live_server.url, otto)
    page = signed.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/console/communities/{cycling.pk}/handover/")
    field = page.get_by_role("combobox", name="Or someone else")
    field.click()
    field.press_sequentially("Jür", delay=30)
    option = _option(page, "Jürgen Groß")
    expect(option).to_be_visible(timeout=TIMEOUT)
    _shot(page, screenshots_dir, f"handover-listbox-{width}")
    option.click()
    expect(page.locator(".person-chip")).to_have_text("Jürgen Groß")
    _no_overflow(page)
    page.get_by_role("button", name="Hand over", exact=True).click()
    expect(page.locator("body")).to_contain_text("Jürgen Groß is now an owner of Radfahren Stuttgart.", timeout=TIMEOUT)
    _shot(page, screenshots_dir, f"handover-done-{width}")
    assert Membership.objects.get(community=cycling, user=successor).role == Role.OWNER
    signed.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_owner_assigns_an_inbox_item_to_a_moderator_chosen_by_name(
    browser, live_server, screenshots_dir: Path, width: int
):
    otto = UserFactory.create(email="otto.owner@corp.example", display_name="Otto Owner", handle="otto.owner")
    cycling = _community(otto)
    juergen = add_person(cycling, Role.MODERATOR, display_name="Jürgen Groß", handle="juergen.gross")
    add_person(cycling, display_name="Jürgen Mitglied", handle="juergen.mitglied")  # may not work the item
    UserFactory.create(display_name="Jürgen Fremd", handle="juergen.fremd")  # not in the community
    post = post_services.post_create(actor=otto, community=cycling, title="Wer hat den Schlüssel?", body="Frage")
    item = open_item(
        community=cycling, kind=InboxItem.Kind.FLAGGED_POST, key=f"post:{post.pk}", post=post, summary=post.title
    )
    assert item is not None
    signed = sign_in(browser, live_server.url, otto)
    page = signed.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/inbox/{item.pk}/")
    field = page.get_by_role("combobox", name="Assign to")
    field.click()
    field.press_sequentially("jürg", delay=30)
    expect(_option(page, "Jürgen Groß")).to_be_visible(timeout=TIMEOUT)
    listbox = page.locator('[role="listbox"]')
    expect(listbox).not_to_contain_text("Jürgen Mitglied")
    expect(listbox).not_to_contain_text("Jürgen Fremd")
    _no_overflow(page)
    _shot(page, screenshots_dir, f"assignee-listbox-{width}")
    field.press("ArrowDown")
    field.press("Enter")
    expect(page.locator("#assign .person-chip")).to_have_text("Jürgen Groß")
    page.locator("#assign").get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#item-assignee")).to_contain_text("Assigned to Jürgen Groß", timeout=TIMEOUT)
    # The current assignee shows as the picker's chip; removing it gives the item back to nobody.
    expect(page.locator("#assign .person-chip")).to_have_text("Jürgen Groß")
    _no_overflow(page)
    _shot(page, screenshots_dir, f"assignee-assigned-{width}")
    item.refresh_from_db()
    assert item.assignee_id == juergen.pk
    page.locator("#assign [data-remove-person]").click()
    page.locator("#assign").get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#item-assignee")).to_contain_text("Nobody has claimed it yet.", timeout=TIMEOUT)
    item.refresh_from_db()
    assert item.assignee_id is None
    signed.context.close()


def test_snooze_until_takes_an_iso_moment(browser, live_server, screenshots_dir: Path):
    otto = UserFactory.create(email="otto.owner@corp.example", display_name="Otto Owner", handle="otto.owner")
    cycling = _community(otto)
    post = post_services.post_create(actor=otto, community=cycling, title="Später ansehen", body="Frage")
    item = open_item(
        community=cycling, kind=InboxItem.Kind.FLAGGED_POST, key=f"post:{post.pk}", post=post, summary=post.title
    )
    assert item is not None
    signed = sign_in(browser, live_server.url, otto)
    page = signed.page
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/inbox/{item.pk}/")
    until = page.get_by_label("or until")
    expect(until).to_have_attribute("placeholder", "YYYY-MM-DD HH:MM")
    later = timezone.localtime() + dt.timedelta(days=10)
    until.fill(later.strftime("%Y-%m-%d 18:30"))
    _shot(page, screenshots_dir, "snooze-until-390")
    page.locator("#item-work").get_by_role("button", name="Snooze").click()
    expect(page.locator("#item-work")).to_contain_text("Snoozed until", timeout=TIMEOUT)
    item.refresh_from_db()
    assert item.snoozed_until is not None
    assert timezone.localtime(item.snoozed_until).strftime("%Y-%m-%d %H:%M") == later.strftime("%Y-%m-%d 18:30")
    signed.context.close()


def test_reader_answers_a_thread_in_place(browser, live_server, screenshots_dir: Path):
    mia = UserFactory.create(email="mia.keller@corp.example", display_name="Mia Keller", handle="mia.keller")
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    cycling = _community(mia)
    question = post_services.post_create(
        actor=mia, community=cycling, kind=Post.Kind.QUESTION, title="Welche Route am Samstag?", body="Bärensee?"
    )
    answer = post_services.comment_create(actor=omar, post=question, body="Der Bärensee ist schön ruhig.")
    post_services.comment_create(actor=omar, post=question, body="Oder durchs Glemstal.")
    post_services.answer_accept(actor=mia, post=question, comment=answer)
    signed = sign_in(browser, live_server.url, mia)
    page = signed.page
    page.goto(f"{live_server.url}/posts/{question.pk}/")
    # The accepted answer shows once: in its box; the list points up to it.
    expect(page.locator("main").get_by_text("Der Bärensee ist schön ruhig.")).to_have_count(1)
    expect(page.locator(f"#accepted-pointer-{answer.pk}")).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    toggle = page.locator(f"#reply-toggle-{answer.pk}")
    expect(toggle).to_be_visible()
    toggle.click()
    field = page.locator(f"#reply-{answer.pk}")
    expect(field).to_be_focused()
    field.fill("Danke, dann nehmen wir den Bärensee!")
    _shot(page, screenshots_dir, "reply-open")
    page.locator(f"#comment-{answer.pk}").get_by_role("button", name="Send reply").click()
    thread = page.locator(f"#replies-{answer.pk}")
    expect(thread).to_contain_text("Danke, dann nehmen wir den Bärensee!", timeout=TIMEOUT)
    expect(toggle).to_be_focused()
    assert page.evaluate("window.__notReloaded === true")
    reply = Comment.objects.get(parent=answer)
    expect(page.locator(f"#comment-{reply.pk}")).to_have_count(1)
    # A second reply in the same thread: the form got a fresh key with the answer.
    toggle.click()
    field.fill("Und danach Eis?")
    page.locator(f"#comment-{answer.pk}").get_by_role("button", name="Send reply").click()
    expect(thread).to_contain_text("Und danach Eis?", timeout=TIMEOUT)
    assert Comment.objects.filter(parent=answer).count() == 2
    _shot(page, screenshots_dir, "reply-sent")
    signed.context.close()
