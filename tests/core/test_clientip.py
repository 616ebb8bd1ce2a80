"""The client address behind trusted proxies (issue 17, item 2): one rate-limit bucket per person."""

from __future__ import annotations

import pytest
from django.core.checks import Error
from django.test import Client, RequestFactory

from intranet.core.checks import check_trusted_proxies
from intranet.core.clientip import client_ip
from tests.accounts.conftest import make_employee
from tests.factories import PASSWORD
from tests.ops.test_deploy_check import _manage, _prod_env

PROXY = "10.0.0.5"


def _request(remote: str = PROXY, **headers: str):
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (None, "203.0.113.7", PROXY),  # no proxy configured: the header is not believed
        (0, "203.0.113.7", PROXY),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client's own entry is ignored
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: did not pass them all
        (1, "not-an-address", PROXY),
        (1, "203.0.113.7:51234", "203.0.113.7"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "", PROXY),
    ],
)
def test_client_ip_believes_only_the_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count

    assert client_ip(_request(**{"X-Forwarded-For": forwarded})) == expected


def test_client_ip_reads_the_configured_header(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "X-Real-IP"

    request = _request(**{"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "198.51.100.1"})

    assert client_ip(request) == "203.0.113.9"


def _failed_login(forwarded: str, email: str) -> None:
    Client(REMOTE_ADDR=PROXY).post(
        "/accounts/login/", {"login": email, "password": "wrong password!"}, headers={"X-Forwarded-For": forwarded}
    )


def _signs_in(forwarded: str, email: str) -> bool:
    client = Client(REMOTE_ADDR=PROXY)
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, headers={"X-Forwarded-For": forwarded})
    return "_auth_user_id" in client.session


@pytest.fixture
def limited(settings, redis_url):
    """allauth's per-address limit of failed logins, counted in real Redis, behind one proxy."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.redis
def test_two_people_behind_the_proxy_have_separate_buckets(limited, db):
    person = make_employee("second.person@corp.example")
    for n in range(3):
        _failed_login("203.0.113.1", f"nobody{n}@corp.example")

    assert not _signs_in("203.0.113.1", person.email), "the first address is over its limit"
    assert _signs_in("203.0.113.2", person.email), "another person behind the same proxy is not"


@pytest.mark.redis
def test_a_spoofed_forwarded_entry_does_not_escape_the_limit(limited, db):
    person = make_employee("spoofer@corp.example")
    # The client invents an X-Forwarded-For entry each time; the proxy appends the real address.
    for n in range(3):
        _failed_login(f"198.51.100.{n}, 203.0.113.1", f"nobody{n}@corp.example")

    assert not _signs_in("198.51.100.77, 203.0.113.1", person.email)


def test_check_fires_when_a_proxy_is_trusted_but_not_counted(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = None

    assert [error.id for error in check_trusted_proxies()] == ["core.E001"]

    settings.TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxies() == []


def test_check_fires_when_a_custom_header_is_set_without_a_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CLIENT_IP_HEADER = "X-Real-IP"

    errors = check_trusted_proxies()

    assert [error.id for error in errors] == ["core.E002"]
    assert all(isinstance(error, Error) for error in errors)


def test_check_deploy_fails_in_production_without_the_proxy_count():
    env = _prod_env()
    env.pop("TRUSTED_PROXY_COUNT", None)

    result = _manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "core.E001" in result.stdout + result.stderr
