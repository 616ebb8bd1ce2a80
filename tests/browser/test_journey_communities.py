"""The communities journey in a real browser, with two people in two browser contexts.

Mia joins a public community, asks to join a private one; Omar, its manager, approves; Mia posts
with a mention and an image, Omar comments and reacts, Mia replies; Mia asks a question, Omar
answers, Mia accepts the answer; Mia finds her post through the search.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from communities.core.services import community_create
from communities.models import Comment, Community, Membership, Post
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(browser: Browser, base: str, email: str) -> Page:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Communities")
    return page


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"journey-communities-{name}.png"), full_page=True)


def test_join_request_approve_post_comment_react_answer_search(browser, live_server, screenshots_dir, tmp_path):
    mia = UserFactory.create(email="mia.keller@corp.example", display_name="Mia Keller", handle="mia.keller")
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    cycling = community_create(
        actor=omar,
        name="Radfahren Stuttgart",
        description="Gemeinsame Touren rund um Stuttgart.",
        visibility=Community.Visibility.PUBLIC,
        join_policy=Community.JoinPolicy.OPEN,
    )
    guild = community_create(
        actor=omar,
        name="Data Science Guild",
        description="Models, notebooks and the people behind them.",
        visibility=Community.Visibility.PRIVATE,
        join_policy=Community.JoinPolicy.REQUEST,
    )
    base = live_server.url
    mia_page = _signed_in(browser, base, mia.email)
    omar_page = _signed_in(browser, base, omar.email)

    # Mia finds the public community in the directory and joins it.
    mia_page.goto(f"{base}/communities/?q=Radfahren")
    mia_page.get_by_role("link", name="Radfahren Stuttgart").first.click()
    mia_page.get_by_role("button", name=re.compile("Join")).click()
    expect(mia_page.get_by_role("link", name="New post")).to_be_visible()
    _shot(mia_page, screenshots_dir, "1-joined")

    # She asks to join the private guild; Omar approves from the members page.
    mia_page.goto(f"{base}/communities/{guild.slug}/")
    mia_page.get_by_text("Ask to join").click()
    mia_page.locator("#request-message").fill("I run the forecasting notebooks in Sindelfingen.")
    mia_page.get_by_role("button", name="Send request").click()
    assert Membership.objects.get(user=mia, community=guild).state == Membership.State.PENDING
    omar_page.goto(f"{base}/communities/{guild.slug}/members/")
    _shot(omar_page, screenshots_dir, "2-request")
    omar_page.get_by_role("button", name="Approve").click()
    expect(omar_page.locator("main")).to_contain_text("Mia Keller")
    assert Membership.objects.get(user=mia, community=guild).state == Membership.State.ACTIVE

    # Mia posts in the cycling community with a mention and an image.
    photo = tmp_path / "tour.png"
    Image.new("RGB", (800, 500), (40, 120, 60)).save(photo)
    mia_page.goto(f"{base}/communities/{cycling.slug}/posts/new/")
    mia_page.locator("#id_title").fill("Fahrradtour zum Bärensee am Samstag")
    mia_page.locator("#id_body").fill("Wer kommt mit? @omar.haddad kennt die Strecke.")
    mia_page.locator("#id_attachments").set_input_files(str(photo))
    mia_page.locator("#post-form button[type=submit]").click()
    expect(mia_page.get_by_role("heading", name="Fahrradtour zum Bärensee am Samstag")).to_be_visible()
    expect(mia_page.locator("a.mention")).to_have_text("@Omar Haddad")
    expect(mia_page.locator("main img[src*='/attachments/']").first).to_be_visible()
    post = Post.objects.get(title__startswith="Fahrradtour")

    # Omar comments and reacts; Mia replies to his comment.
    omar_page.goto(f"{base}/posts/{post.pk}/")
    omar_page.locator("#comment-body").fill("Bin dabei, ich bringe Ersatzschläuche mit.")
    omar_page.get_by_role("button", name="Comment", exact=True).click()
    expect(omar_page.locator("main")).to_contain_text("Ersatzschläuche")
    omar_page.locator(f"#reactions-post-{post.pk} button[data-reaction=like]").click()
    expect(omar_page.locator(f"#reactions-post-{post.pk} button[data-reaction=like]")).to_have_attribute(
        "aria-pressed", "true"
    )
    mia_page.goto(f"{base}/posts/{post.pk}/")
    comment = Comment.objects.get(post=post, parent=None)
    mia_page.locator(f"#reply-toggle-{comment.pk}").click()
    mia_page.locator(f"#reply-{comment.pk}").fill("Super, danke!")
    mia_page.get_by_role("button", name="Send reply").click()
    expect(mia_page.locator("main")).to_contain_text("Super, danke!")
    _shot(mia_page, screenshots_dir, "3-post")
    post.refresh_from_db()
    assert post.comment_count == 2 and post.reaction_count == 1

    # Mia asks a question in the guild; Omar answers; Mia accepts the answer.
    mia_page.goto(f"{base}/communities/{guild.slug}/posts/new/")
    mia_page.locator("input[name=kind][value=question]").check()
    mia_page.locator("#id_title").fill("Which forecasting library do we standardise on?")
    mia_page.locator("#id_body").fill("Prophet or statsforecast? Looking for experiences.")
    mia_page.locator("#post-form button[type=submit]").click()
    question = Post.objects.get(kind=Post.Kind.QUESTION)
    omar_page.goto(f"{base}/posts/{question.pk}/")
    omar_page.locator("#comment-body").fill("We use statsforecast in production.")
    omar_page.get_by_role("button", name="Comment", exact=True).click()
    mia_page.goto(f"{base}/posts/{question.pk}/")
    mia_page.get_by_role("button", name="Accept as answer").click()
    expect(mia_page.locator("main")).to_contain_text("statsforecast in production")
    question.refresh_from_db()
    assert question.accepted_comment is not None
    _shot(mia_page, screenshots_dir, "4-answered")

    # She finds her post through the search (German stemming: "Fahrradtouren" finds "Fahrradtour").
    mia_page.goto(f"{base}/search/?q=Fahrradtouren")
    expect(mia_page.get_by_role("link", name=re.compile("Fahrradtour zum Bärensee"))).to_be_visible()
    _shot(mia_page, screenshots_dir, "5-search")
