"""The Playwright fixtures work: Debian chromium renders the login page of a live server."""

from __future__ import annotations

from django.urls import reverse


def test_login_page_renders_in_chromium(page, live_server, screenshot):
    response = page.goto(live_server.url + reverse("account_login"))
    assert response is not None
    assert response.status == 200
    assert page.locator("input[type=password]").count() == 1
    assert page.locator("form").count() >= 1
    path = screenshot("login")
    assert path.stat().st_size > 1000
    assert path.read_bytes().startswith(b"\x89PNG")
