"""A small HTTP client that behaves like a browser behind the TLS-terminating balancer: it keeps
the ``Secure`` cookies the production settings set (the balancer speaks HTTPS to browsers; here the
test talks plain HTTP to it), sends ``Origin`` and ``Referer`` as a browser would, and tells which
process answered (HAProxy's ``X-Served-By``)."""

from __future__ import annotations

import re
import uuid
from http.cookiejar import Cookie, CookieJar
from typing import Any

import requests

TIMEOUT = 15


class Browser:
    def __init__(self, topology: Any) -> None:
        self.base = topology.proxy_url
        self.origin = topology.origin
        self.session = requests.Session()
        # Assertions read the English texts (the platform's default language is German).
        self.session.headers["Accept-Language"] = "en"

    def _cookies(self) -> list[Cookie]:
        return list(CookieJar.__iter__(self.session.cookies))

    def _keep_cookies(self) -> None:
        for cookie in self._cookies():
            cookie.secure = False

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self._cookies())

    def drop_cookie(self, name: str) -> None:
        for cookie in self._cookies():
            if cookie.name == name:
                self.session.cookies.clear(cookie.domain, cookie.path, cookie.name)

    def get(self, path: str) -> requests.Response:
        response = self.session.get(
            self.base + path, headers={"Referer": self.origin + "/"}, allow_redirects=False, timeout=TIMEOUT
        )
        self._keep_cookies()
        return response

    def post(self, path: str, data: dict[str, Any], *, headers: dict[str, str] | None = None) -> requests.Response:
        if "csrftoken" not in self.session.cookies:
            self.get("/accounts/login/")
        response = self.session.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            headers={"Origin": self.origin, "Referer": self.origin + path, **(headers or {})},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        self._keep_cookies()
        return response

    def login(self, email: str, password: str) -> requests.Response:
        return self.post("/accounts/login/", {"login": email, "password": password})

    def create_post(self, slug: str, title: str, *, key: uuid.UUID | None = None) -> requests.Response:
        return self.post(
            f"/communities/{slug}/posts/new/",
            {
                "kind": "discussion",
                "title": title,
                "body": f"Body of {title}",
                "tags": "",
                "idempotency_key": str(key or uuid.uuid4()),
            },
        )


def served_by(response: requests.Response) -> str:
    return response.headers.get("X-Served-By", "")


def post_id(response: requests.Response) -> int:
    """The id in the ``Location`` of a created post (``/posts/<id>/``)."""
    match = re.search(r"/posts/(\d+)/", response.headers.get("Location", ""))
    assert match, f"no post address in {response.status_code} {response.headers.get('Location')!r}"
    return int(match.group(1))


#: The figures each test measured, printed at the end of the run and kept in
#: artifacts/topology/figures.json (conftest.py).
FIGURES: dict[str, dict[str, Any]] = {}


def record(name: str, **values: Any) -> None:
    FIGURES[name] = values
