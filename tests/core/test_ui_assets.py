"""The front-end build's output (``npm ci && npm run build`` runs before the test suite)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from intranet.cms.models import GuideIndexPage, NewsIndexPage

DIST = Path(settings.BASE_DIR) / "static" / "dist"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_build_produced_css_js_and_icon_sprite():
    css = (DIST / "css" / "main.css").read_text()
    js = (DIST / "js" / "main.js").read_text()
    sprite = (DIST / "icons" / "bootstrap-icons.svg").read_text()

    assert "#00549f" in css  # the themed primary colour
    assert ".navbar-expand-lg" in css
    assert ".htmx-indicator" in css  # htmx's own indicator styles are off under CSP
    assert "bootstrap.dropdown" in js.lower() or "dropdown" in js
    assert "popper" in js.lower()
    assert sprite.lstrip().startswith("<svg")


def test_stylesheet_loads_nothing_from_elsewhere():
    css = (DIST / "css" / "main.css").read_text()

    for target in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
        assert target.startswith("data:") or "://" not in target, target
    assert "@import" not in css


def test_every_icon_used_in_templates_is_in_the_sprite():
    sprite = (DIST / "icons" / "bootstrap-icons.svg").read_text()
    available = set(re.findall(r'<symbol[^>]*\bid="([^"]+)"', sprite))
    used = {NewsIndexPage.icon_name, GuideIndexPage.icon_name, "file-earmark-text"}
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"{%\s*icon\s+[\"']([\w-]+)[\"']", template.read_text()))

    assert used - available == set()
