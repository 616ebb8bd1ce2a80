"""Shared Playwright fixtures: Debian's chromium, a screenshots folder, the ``browser`` marker.

Browser tests drive the real platform on pytest-django's ``live_server`` (a threaded WSGI server
over a transactional test database). They run in ``make test``'s second phase, without xdist.
Playwright's bundled browsers are never downloaded: the system chromium is launched instead.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


# An ASGI live server: HTTP and websockets ---------------------------------------------------------


@dataclass
class AsgiLiveServer:
    url: str  # "http://127.0.0.1:<port>"

    def __str__(self) -> str:
        return self.url


def _asgi_test_application() -> Any:
    """The project's ASGI application with static files served from the finders (like ``live_server``)."""
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from intranet.asgi import application

    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": application.application_mapping["websocket"],
        }
    )


@pytest.fixture
def asgi_live_server(transactional_db: None, settings: Any) -> Iterator[AsgiLiveServer]:
    """uvicorn in a thread of the test process, serving HTTP *and* websockets over the
    transactional test database (pytest-django's ``live_server`` speaks WSGI only).

    Being in this process, the server shares the test settings, the in-memory channel layer and
    the local-memory cache with the test, so events published by services reach the browsers'
    sockets. Use it instead of ``live_server`` where a page must update live.
    """
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    layer = {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 500}}
    settings.CHANNEL_LAYERS = {"default": layer}
    config = uvicorn.Config(_asgi_test_application(), lifespan="off", log_level="warning", ws_ping_interval=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="asgi-live-server", daemon=True)
    thread.start()
    for _ in range(200):
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.05)
    if not server.started:
        pytest.fail("the ASGI live server did not start")
    try:
        yield AsgiLiveServer(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)
        listener.close()


# Two people signed in, in two browser contexts ------------------------------------------------------


@dataclass
class SignedIn:
    """A person and their own browser context (own cookies), signed in on the live server."""

    user: Any
    context: Any
    page: Any


def sign_in(browser: Any, base: str, user: Any, *, locale: str = "en-GB") -> SignedIn:
    """A new browser context signed in as ``user`` (password ``tests.factories.PASSWORD``)."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Communities")
    return SignedIn(user=user, context=context, page=page)


def wait_live(page: Any, *topics: str, timeout: float = 15_000) -> None:
    """Wait until the page's websocket is open and the server confirmed ``topics``."""
    page.wait_for_function(
        """(topics) => document.body.dataset.liveState === "open" &&
            topics.every((t) => (document.body.dataset.liveTopics || "").split(" ").includes(t))""",
        arg=list(topics),
        timeout=timeout,
    )


@pytest.fixture
def two_users_logged_in(browser: Any, asgi_live_server: AsgiLiveServer) -> Iterator[tuple[SignedIn, SignedIn]]:
    """Mia and Omar, each signed in in a browser context of their own on the ASGI live server
    (``asgi_live_server.url``). Build what they share (communities, conversations) through the
    services, then drive ``a.page`` and ``b.page``; ``wait_live(page, topic)`` waits for the socket."""
    from tests.factories import UserFactory

    mia = UserFactory.create(email="mia.keller@corp.example", display_name="Mia Keller", handle="mia.keller")
    omar = UserFactory.create(email="omar.haddad@corp.example", display_name="Omar Haddad", handle="omar.haddad")
    a = sign_in(browser, asgi_live_server.url, omar)
    b = sign_in(browser, asgi_live_server.url, mia)
    try:
        yield a, b
    finally:
        a.context.close()
        b.context.close()
