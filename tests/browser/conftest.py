"""Shared Playwright fixtures: Debian's chromium, a screenshots folder, the ``browser`` marker.

Browser tests drive the real platform on pytest-django's ``live_server`` (a threaded WSGI server
over a transactional test database). They run in ``make test``'s second phase, without xdist.
Playwright's bundled browsers are never downloaded: the system chromium is launched instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BROWSER_DIR = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be on the items before ``-m`` deselects by it.
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "de-DE"}


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """``artifacts/screenshots/`` (git-ignored); CI can keep it as a build artifact."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(page: Any, screenshots_dir: Path, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``screenshot("after-login")`` saves a full-page PNG named after the test and the label."""

    def take(label: str) -> Path:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{request.node.name}-{label}").strip("-")
        path = screenshots_dir / f"{stem}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
