"""One door (issue 17, item 1): allauth's sign-in is the only page that turns a password into a session.

The enumeration walks every URL pattern of the resolver, requests a concrete URL for each (as an
anonymous visitor and as a signed-in superuser) and posts a valid e-mail address and password to
it. A page that renders a password field or signs someone in with a password must be allauth's own
(and then enforce the lockout and the second-factor stage), or an allow-listed page for people who
are signed in already; a page that mails something to a posted address must be allauth's reset
(and limit the mails per address). Every other sign-in, reset or password-change page hands over
to allauth.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import find
from hypothesis import strategies as st

from intranet.cms.demo import ensure_page_tree
from tests.accounts.conftest import make_employee
from tests.factories import PASSWORD, UserFactory
from tests.support.queries import pin_queries

# allauth's own doors: the sign-in (rate limit, lockout, second factor), the sign-up (closed here
# without company domains; a new account is unverified until its e-mail is confirmed), the reset
# request (mails per address limited) and the new password behind a reset link (gives no session:
# no login on reset).
ALLAUTH_PASSWORD_PAGES = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_from_key",
}

# Pages with a password field for people who are signed in already, and why that is right.
SIGNED_IN_ALLOWLIST = {
    "account_change_password": "allauth's password change; asks for the current password",
    "account_set_password": "allauth's first password for single sign-on accounts; signed-in only",
    "account_reauthenticate": "allauth's password confirmation before sensitive changes (e.g. MFA set-up)",
    "wagtailcore_authenticate_with_password": (
        "a Wagtail page's shared view password: signs nobody in, and editors can no longer set one "
        "(WAGTAIL_PRIVATE_PAGE_OPTIONS)"
    ),
}

# Not requested at all: Wagtail's page that raises on purpose (to test error reporting).
NOT_REQUESTED = {"wagtailadmin_error_test"}

LOGIN_URL = "/accounts/login/"
RESET_URL = "/accounts/password/reset/"
_CONVERTER_SAMPLES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def _route_sample(pattern: RoutePattern) -> str:
    return re.sub(
        r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>",
        lambda m: _CONVERTER_SAMPLES.get(m.group("conv") or "str", "x1"),
        str(pattern),
    )


def _regex_sample(pattern: RegexPattern) -> str:
    # The shortest string the regular expression matches, found (and shrunk) by hypothesis.
    regex = pattern.regex.pattern
    return find(st.from_regex(regex, fullmatch=True), lambda text: "\n" not in text and "?" not in text)


def _sample(pattern: RoutePattern | RegexPattern) -> str:
    return _route_sample(pattern) if isinstance(pattern, RoutePattern) else _regex_sample(pattern)


def _urls(patterns: list[URLPattern | URLResolver], prefix: str = "/") -> Iterator[str]:
    for entry in patterns:
        url = prefix + _sample(entry.pattern)  # type: ignore[arg-type]
        if isinstance(entry, URLResolver):
            yield from _urls(entry.url_patterns, url)
        else:
            yield url


@dataclass
class Door:
    url: str
    name: str
    seen: set[str] = field(default_factory=set)


def _url_name(url: str) -> str:
    match = resolve(url.split("?", 1)[0])
    return match.url_name or match._func_path


def _shows_password_field(response) -> bool:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return False  # exports, feeds, files
    return b'type="password"' in response.content


def _signs_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _password_doors(person, admin) -> dict[str, Door]:
    """Every URL that renders a password field, turns a posted password into a session or mails
    something to a posted address (a reset door)."""
    credentials = {
        "login": person.email,
        "username": person.email,
        "email": person.email,
        "password": PASSWORD,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "remember": "on",
    }
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(admin)
    doors: dict[str, Door] = {}
    for url in dict.fromkeys(_urls(get_resolver("intranet.urls").url_patterns)):
        try:
            name = _url_name(url)
        except Resolver404:
            continue
        if name in NOT_REQUESTED:
            continue
        anonymous = Client(raise_request_exception=False)
        observations = {
            "anonymous GET shows a password field": _shows_password_field(anonymous.get(url)),
            "signed-in GET shows a password field": _shows_password_field(signed_in.get(url)),
        }
        mails = len(mail.outbox)
        anonymous.post(url, credentials)
        observations["anonymous POST of a password signs in"] = _signs_in(anonymous)
        observations["anonymous POST of an address sends mail"] = len(mail.outbox) > mails
        seen = {what for what, happened in observations.items() if happened}
        if seen:
            doors[url] = Door(url=url, name=name, seen=seen)
    return doors


def _sign_in(url: str, email: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post(url, {"login": email, "username": email, "password": password})
    return client


def _assert_lockout_and_second_factor(url: str) -> None:
    locked = make_employee("locked.out@corp.example")
    for _ in range(5):
        assert not _signs_in(_sign_in(url, locked.email, "not the password"))
    assert not _signs_in(_sign_in(url, locked.email)), f"{url}: the right password after 5 failures signed in"

    with_totp = make_employee("with.totp@corp.example")
    TOTP.activate(with_totp, generate_totp_secret())
    client = _sign_in(url, with_totp.email)
    assert not _signs_in(client), f"{url}: the password alone gave a person with TOTP a full session"


def _assert_reset_mails_are_limited(url: str) -> None:
    person = make_employee("reset.limit@corp.example")
    mail.outbox.clear()
    for _ in range(10):
        Client().post(url, {"email": person.email})
    assert 0 < len(mail.outbox) <= 5, f"{url}: {len(mail.outbox)} reset mails for one address"


@pytest.mark.django_db
@pytest.mark.slow
def test_every_password_page_is_allauths_or_hands_over_to_it():
    ensure_page_tree()  # the CMS pages render as they do in a deployment
    # Staff, so that the Django admin's own sign-in would have let the probe in too.
    person = make_employee("door.probe@corp.example", is_staff=True)
    admin = UserFactory(is_staff=True, is_superuser=True)

    doors = _password_doors(person, admin)

    found = {door.name for door in doors.values()}
    assert {"account_login", "account_reset_password"} <= found, "the enumeration must find allauth's own doors"
    unexpected = [
        door for door in doors.values() if door.name not in ALLAUTH_PASSWORD_PAGES | SIGNED_IN_ALLOWLIST.keys()
    ]
    assert unexpected == [], "password pages that are not allauth's: hand them over to /accounts/login/"
    for door in doors.values():
        if door.name in SIGNED_IN_ALLOWLIST:
            assert door.seen == {"signed-in GET shows a password field"}, door
        if "anonymous POST of a password signs in" in door.seen:
            assert door.name == "account_login", door
            _assert_lockout_and_second_factor(door.url)
        if "anonymous POST of an address sends mail" in door.seen:
            assert door.name == "account_reset_password", door
            _assert_reset_mails_are_limited(door.url)


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/cms/login/?next=/cms/pages/", f"{LOGIN_URL}?next=/cms/pages/"),
        ("/cms/login/", f"{LOGIN_URL}?next=/cms/"),
        ("/django-admin/login/?next=/django-admin/", f"{LOGIN_URL}?next=/django-admin/"),
        ("/django-admin/login/?next=https://evil.example/", f"{LOGIN_URL}?next=/django-admin/"),
        ("/pages/_util/login/?next=/pages/news/", f"{LOGIN_URL}?next=/pages/news/"),
        ("/cms/password_reset/", RESET_URL),
        ("/cms/password_reset/confirm/MQ/set-password/", RESET_URL),
        ("/django-admin/password_change/", "/accounts/password/change/"),
    ],
)
def test_library_sign_in_and_reset_pages_hand_over_to_allauth(client, db, url, location):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == location


def test_admin_areas_send_anonymous_visitors_to_allauth(client, db):
    assert client.get("/cms/")["Location"].startswith("/cms/login/")
    assert client.get("/cms/login/?next=/cms/")["Location"] == f"{LOGIN_URL}?next=/cms/"
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")


def test_cms_login_refuses_the_right_password_after_failures_and_without_the_second_factor(db):
    person = make_employee("editor@corp.example", is_staff=True)
    for _ in range(30):
        _sign_in("/cms/login/", person.email, "not the password")

    assert not _signs_in(_sign_in("/cms/login/", person.email))
    assert _sign_in("/cms/login/", person.email).cookies.get("sessionid") is None


def test_signed_in_people_without_admin_access_are_refused_not_looped(client, user):
    client.force_login(user)

    assert client.get("/cms/login/?next=/cms/").status_code == 403
    assert client.get("/django-admin/login/?next=/django-admin/").status_code == 403
    assert client.get("/pages/_util/login/?next=/pages/x/").status_code == 404


def test_signed_in_staff_on_the_old_login_pages_go_on_to_the_admin(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    assert client.get("/cms/login/?next=/cms/pages/")["Location"] == "/cms/pages/"
    assert client.get("/django-admin/login/")["Location"] == "/django-admin/"


def test_hand_overs_cost_no_query(client, db):
    """The old doors only redirect: an anonymous visitor costs the database nothing."""
    for url in ("/cms/login/", "/django-admin/login/", "/cms/password_reset/", "/pages/_util/login/"):
        with pin_queries(0):
            assert client.get(url).status_code == 302
