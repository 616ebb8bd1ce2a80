"""Single sign-on end to end: allauth as relying party, django-oauth-toolkit as identity provider.

Both run in the same live server. Cookies are kept per host, so the identity provider is reached as
``localhost`` and the intranet as ``127.0.0.1``: the two sessions stay as separate as they would be
on two machines, and every hop (browser redirects, the server-side token, user-info and key
requests) is real HTTP.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.backends.cached_db import SessionStore
from oauth2_provider.models import Application

from intranet.accounts.models import User
from tests.accounts.conftest import make_employee
from tests.factories import PASSWORD

CLIENT_SECRET = "intranet-test-client-secret-0123456789"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def sso(live_server, settings):
    """Register the intranet at the identity provider and point allauth at the provider."""
    port = urlsplit(live_server.url).port
    idp = f"http://localhost:{port}"
    rp = f"http://127.0.0.1:{port}"
    callback = f"{rp}/accounts/oidc/company/login/callback/"
    application = Application.objects.create(
        name="Intranet",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=callback,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        client_secret=CLIENT_SECRET,
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "company",
                    "name": "Company login",
                    "client_id": application.client_id,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": f"{idp}/o", "scope": ["openid", "email", "profile"]},
                }
            ],
        }
    }
    return {"idp": idp, "rp": rp}


def _csrf(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, html[:2000]
    return match.group(1)


def _hidden_next(html: str) -> str:
    match = re.search(r'name="next" value="([^"]+)"', html)
    assert match, html[:2000]
    return match.group(1).replace("&amp;", "&")


def _host_cookie(browser: requests.Session, host: str, name: str) -> str | None:
    # http.cookiejar files cookies of a dot-less host such as "localhost" under "localhost.local".
    for cookie in browser.cookies:
        if cookie.name == name and cookie.domain in {host, f"{host}.local"}:
            return cookie.value
    return None


def _rp_session_user_id(browser: requests.Session, host: str = "127.0.0.1") -> str | None:
    key = _host_cookie(browser, host, "sessionid")
    if key is None:
        return None
    return SessionStore(session_key=key).get("_auth_user_id")


def _sign_in_with_company_login(sso: dict, *, idp_email: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    browser.trust_env = False  # loopback only, never a proxy

    # 1. The intranet's login page offers the company login; starting it is a POST (CSRF-protected).
    login_page = browser.get(f"{sso['rp']}/accounts/login/", timeout=30)
    assert "Company login" in login_page.text
    start = f"{sso['rp']}/accounts/oidc/company/login/"
    confirm = browser.get(start, timeout=30)
    response = browser.post(start, data={"csrfmiddlewaretoken": _csrf(confirm.text)}, timeout=30)

    # 2. The identity provider has no session yet and shows its own sign-in form.
    assert urlsplit(response.url).hostname == "localhost", response.url
    assert urlsplit(response.url).path == "/accounts/login/"
    assert "/o/authorize/" in response.url
    response = browser.post(
        response.url,
        data={
            "csrfmiddlewaretoken": _csrf(response.text),
            "login": idp_email,
            "password": PASSWORD,
            "next": _hidden_next(response.text),
        },
        timeout=30,
    )

    # 3. The provider redirects back to the intranet's callback, which signs the person in.
    assert response.status_code == 200, response.text[:2000]
    assert urlsplit(response.url).hostname == "127.0.0.1", response.url
    return browser, response


def test_existing_employee_is_connected_by_verified_email(sso):
    anna = make_employee("anna.schmidt@corp.example", display_name="Anna Schmidt")

    browser, response = _sign_in_with_company_login(sso, idp_email=anna.email)

    assert urlsplit(response.url).path == "/"
    assert _rp_session_user_id(browser) == str(anna.pk)
    account = SocialAccount.objects.get(provider="company")
    assert account.user_id == anna.pk
    assert account.extra_data["userinfo"]["email"] == anna.email
    assert User.objects.count() == 1
    # The relying-party session is its own: a login-required page works at 127.0.0.1...
    email_page = browser.get(f"{sso['rp']}/accounts/email/", timeout=30)
    assert email_page.status_code == 200
    assert urlsplit(email_page.url).path == "/accounts/email/"
    # ...and ending it there leaves the identity provider's session alone.
    browser.post(f"{sso['rp']}/accounts/logout/", data={"csrfmiddlewaretoken": _csrf(email_page.text)}, timeout=30)
    assert _rp_session_user_id(browser) is None
    assert _rp_session_user_id(browser, "localhost") == str(anna.pk)


def test_new_employee_signs_up_through_the_identity_provider(sso, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []  # password sign-up closed: single sign-on still admits employees
    directory_account = make_employee("ben.becker@idp.example", display_name="Ben Becker")

    browser, response = _sign_in_with_company_login(sso, idp_email=directory_account.email)

    ben = User.objects.get(email="ben.becker@corp.example")
    assert ben.pk != directory_account.pk
    assert (ben.display_name, ben.handle, ben.has_usable_password()) == ("Ben Becker", "ben.becker", False)
    assert ben.profile is not None
    assert EmailAddress.objects.get(user=ben).verified
    assert SocialAccount.objects.get(provider="company").user_id == ben.pk
    assert _rp_session_user_id(browser) == str(ben.pk)
    assert urlsplit(response.url).path == "/"
