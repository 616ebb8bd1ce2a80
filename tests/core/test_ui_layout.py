from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.template import Context, RequestContext, Template

URL_ATTRIBUTES = {"href", "src", "action", "srcset", "poster", "data", "formaction", "hx-get", "hx-post"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(html)
    return parser.tags


def _home(client, user, **headers) -> str:
    client.force_login(user)
    response = client.get("/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_base_layout_has_landmarks_and_skip_link(client, user):
    html = _home(client, user, HTTP_ACCEPT_LANGUAGE="en")
    tags = _tags(html)
    names = [tag for tag, _ in tags]

    assert names.count("header") == 1
    assert names.count("main") == 1
    assert names.count("footer") == 1
    assert "nav" in names
    main = next(attrs for tag, attrs in tags if tag == "main")
    assert main["id"] == "main"
    skip = next(attrs for tag, attrs in tags if tag == "a")  # the very first link
    assert skip["href"] == "#main"
    assert "Skip to main content" in html
    assert '<html lang="en">' in html


def test_header_has_brand_nav_links_and_site_search(client, user):
    html = _home(client, user, HTTP_ACCEPT_LANGUAGE="en")
    tags = _tags(html)

    brand = next(attrs for tag, attrs in tags if tag == "a" and "navbar-brand" in (attrs.get("class") or ""))
    assert brand["href"] == "/"
    home_link = next(attrs for tag, attrs in tags if tag == "a" and attrs.get("aria-current") == "page")
    assert home_link["href"] == "/"
    assert any(tag == "a" and attrs.get("href") == "/people/" for tag, attrs in tags)

    search = next(attrs for tag, attrs in tags if tag == "form" and attrs.get("role") == "search")
    assert search["action"] == "/search/"
    assert search["method"] == "get"
    search_input = next(attrs for tag, attrs in tags if tag == "input" and attrs.get("name") == "q")
    label = next(attrs for tag, attrs in tags if tag == "label" and attrs.get("for") == search_input["id"])
    assert label is not None
    assert ">Search</label>" in html


def test_language_switch_posts_to_set_language_and_marks_current(client, user):
    html = _home(client, user, HTTP_ACCEPT_LANGUAGE="en")
    tags = _tags(html)

    form = next(attrs for tag, attrs in tags if tag == "form" and attrs.get("action") == "/i18n/setlang/")
    assert form["method"] == "post"
    buttons = {attrs["value"]: attrs for tag, attrs in tags if tag == "button" and attrs.get("name") == "language"}
    assert set(buttons) == {"de", "en"}
    assert buttons["en"].get("aria-current") == "true"
    assert "aria-current" not in buttons["de"]
    assert buttons["de"]["lang"] == "de"
    assert "Deutsch" in html  # the other language is named in its own language


def test_user_menu_links_and_post_sign_out(client, user):
    html = _home(client, user, HTTP_ACCEPT_LANGUAGE="en")
    tags = _tags(html)

    assert user.display_name in html
    assert any(tag == "a" and attrs.get("href") == "/accounts/2fa/" for tag, attrs in tags)
    logout = next(attrs for tag, attrs in tags if tag == "form" and attrs.get("action") == "/accounts/logout/")
    assert logout["method"] == "post"
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="/cms/"' not in html  # not staff


def test_staff_see_cms_link(client, staff_user):
    html = _home(client, staff_user, HTTP_ACCEPT_LANGUAGE="en")

    assert 'href="/cms/"' in html


def test_every_url_in_the_page_is_same_origin(client, user):
    html = _home(client, user)

    urls = [value for _, attrs in _tags(html) for name, value in attrs.items() if name in URL_ATTRIBUTES and value]
    assert urls, "the page links to nothing?"
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme in ("", "http", "https"), url
        assert parts.netloc in ("", "testserver"), url
        assert not url.startswith("//"), url
    # No CDN host anywhere, in scripts or styles either (a bare "cdn" can occur in random tokens).
    assert not re.search(r"//[\w.-]*cdn|cdn[\w-]*\.[a-z]{2,}", html.lower())


def test_assets_and_htmx_load_from_static_with_csp_nonce(client, user):
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    tags = _tags(html)

    stylesheets = [attrs["href"] for tag, attrs in tags if tag == "link" and attrs.get("rel") == "stylesheet"]
    assert stylesheets == ["/static/dist/css/main.css"]
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert [s["src"] for s in scripts] == ["/static/dist/js/main.js", "/static/django_htmx/htmx-2.min.js"]
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match is not None
    nonce = match.group(1)
    assert all(s["nonce"] == nonce for s in scripts)


def test_htmx_is_configured_for_csp_and_csrf(client, user):
    html = _home(client, user)
    tags = _tags(html)

    config = next(attrs for tag, attrs in tags if tag == "meta" and attrs.get("name") == "htmx-config")
    assert '"includeIndicatorStyles": false' in str(config["content"])
    body = next(attrs for tag, attrs in tags if tag == "body")
    assert re.fullmatch(r'\{"X-CSRFToken": "[A-Za-z0-9]{32,64}"\}', str(body["hx-headers"]))


def test_no_inline_styles_or_inline_handlers(client, user):
    html = _home(client, user)

    for tag, attrs in _tags(html):
        assert "style" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
    assert "<style" not in html


def test_messages_render_as_bootstrap_alerts_with_roles(rf, user):
    request = rf.get("/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, "Saved it.")
    messages.error(request, "That failed.")

    html = Template('{% extends "base.html" %}').render(RequestContext(request, {}))

    assert re.search(r'class="alert alert-success[^"]*" role="status">\s*Saved it\.', html)
    assert re.search(r'class="alert alert-danger[^"]*" role="alert">\s*That failed\.', html)


def test_base_layout_for_anonymous_visitors_offers_sign_in(rf, db):
    request = rf.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    request.user = AnonymousUser()

    html = Template('{% extends "base.html" %}').render(RequestContext(request, {}))

    assert 'href="/accounts/login/"' in html
    assert "/accounts/logout/" not in html
    assert 'role="search"' not in html
    assert 'action="/i18n/setlang/"' in html


def test_icon_tag_is_decorative_unless_labelled():
    template = Template('{% load ui %}{% icon "house" %}|{% icon "search" label="Search" css_class="bi-lg" %}')

    decorative, labelled = template.render(Context()).split("|")

    assert decorative == (
        '<svg class="bi" aria-hidden="true" focusable="false">'
        '<use href="/static/dist/icons/bootstrap-icons.svg#house"></use></svg>'
    )
    assert 'role="img" aria-label="Search"' in labelled
    assert 'class="bi bi-lg"' in labelled
