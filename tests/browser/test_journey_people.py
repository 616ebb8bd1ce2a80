"""The shell's main journey in a real browser: sign in, edit the profile, find a colleague by a
misspelt name, switch the interface to German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from intranet.accounts.models import Profile, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def english_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _shot(page: Page, screenshots_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"journey-people-{name}.png"), full_page=True)


def test_sign_in_edit_profile_find_colleague_switch_language(english_page, live_server, screenshots_dir, tmp_path):
    me = UserFactory.create(email="lena.weber@corp.example", display_name="Lena Weber", handle="lena.weber")
    colleague = UserFactory.create(
        email="juergen.gross@corp.example", display_name="Jürgen Groß", handle="juergen.gross"
    )
    Profile.objects.filter(user=colleague).update(job_title="Community Manager", department="Engineering")
    page = english_page

    # Sign in through the real form.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(me.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    _shot(page, screenshots_dir, "1-home")

    # Edit the profile, including a real avatar upload.
    from PIL import Image

    avatar = tmp_path / "avatar.png"
    Image.new("RGB", (600, 400), (0, 84, 159)).save(avatar)
    page.goto(f"{live_server.url}/people/me/edit/")
    page.get_by_label("Job title").fill("Community Coordinator")
    page.get_by_label("Department").fill("People & Culture")
    page.get_by_label("About me").fill("I connect communities across sites.")
    page.locator("input[type=file][name=avatar]").set_input_files(str(avatar))
    page.locator("main button[type=submit]").click()
    expect(page.get_by_text("Community Coordinator")).to_be_visible()
    _shot(page, screenshots_dir, "2-profile")
    profile = Profile.objects.get(user=me)
    assert profile.job_title == "Community Coordinator" and profile.avatar.name.endswith(".webp")

    # Find a colleague in the people directory, misspelt and without the umlaut.
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Name").fill("Jurgen Gros")
    page.get_by_label("Name").press("Enter")
    result = page.get_by_role("link", name=re.compile("Jürgen Groß"))
    expect(result.first).to_be_visible()
    _shot(page, screenshots_dir, "3-directory")
    result.first.click()
    expect(page.get_by_role("heading", name="Jürgen Groß")).to_be_visible()

    # Switch to German: the page reloads with German navigation.
    page.locator("form.lang-switch button[value=de]").click()
    expect(page.get_by_role("link", name="Personen").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    _shot(page, screenshots_dir, "4-german")
    assert User.objects.filter(pk=me.pk, is_active=True).exists()
