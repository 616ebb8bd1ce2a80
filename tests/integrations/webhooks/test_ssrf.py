"""The SSRF guard: which URLs and addresses a webhook may reach, and how it connects."""

from __future__ import annotations

import ipaddress
import time

import pytest

from integrations.webhooks import ssrf
from tests.integrations.webhooks.conftest import running_receiver

REFUSED_LITERALS = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",  # noqa: S104  (a URL refused, not a socket bound)
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "198.18.0.1",  # benchmarking
    "192.0.0.8",
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",
    "[ff02::1]",
    "[::ffff:127.0.0.1]",  # IPv4-mapped loopback
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[64:ff9b::a00:1]",  # NAT64 of 10.0.0.1
    "[2002:a00:1::]",  # 6to4 of 10.0.0.1
]


@pytest.fixture(autouse=True)
def _strict(settings):
    """Production defaults: https only, no allow-list."""
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    settings.WEBHOOK_ALLOWED_HOSTS = []


@pytest.mark.parametrize("host", REFUSED_LITERALS)
def test_private_and_special_addresses_are_refused(host):
    with pytest.raises(ssrf.UnsafeURL) as info:
        ssrf.check_url(f"https://{host}/hook")
    assert info.value.code == "private"


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert ssrf.is_public(ipaddress.ip_address(address))
    target = ssrf.check_url(f"https://{address if ':' not in address else f'[{address}]'}/x?y=1")
    assert target.address == address
    assert target.path == "/x?y=1"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://93.184.215.14/hook", "scheme"),
        ("ftp://93.184.215.14/hook", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://93.184.215.14/", "scheme"),
        ("https://user:pw@93.184.215.14/hook", "userinfo"),
        ("https:///hook", "invalid"),
        ("https://93.184.215.14:99999/hook", "invalid"),
        ("not a url", "scheme"),
    ],
)
def test_malformed_or_non_https_urls_are_refused(url, code):
    with pytest.raises(ssrf.UnsafeURL) as info:
        ssrf.check_url(url)
    assert info.value.code == code


def test_a_name_resolving_to_loopback_is_refused_after_resolution():
    # "localhost" resolves through the system resolver (/etc/hosts) to a loopback address.
    with pytest.raises(ssrf.UnsafeURL) as info:
        ssrf.check_url("https://localhost/hook")
    assert info.value.code == "private"


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.1.2.3"]

    with pytest.raises(ssrf.UnsafeURL):
        ssrf.check_url("https://hooks.example.com/hook", resolver=resolver)


def test_unresolvable_names_are_refused():
    with pytest.raises(ssrf.UnsafeURL) as info:
        ssrf.check_url("https://no-such-host.invalid/hook")
    assert info.value.code == "dns"


def test_allowed_networks_and_hosts_open_exactly_what_they_name(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert ssrf.check_url("https://10.20.3.4/hook").address == "10.20.3.4"
    with pytest.raises(ssrf.UnsafeURL):
        ssrf.check_url("https://10.21.0.1/hook")
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    assert ipaddress.ip_address(ssrf.check_url("https://localhost/hook").address).is_loopback


def test_http_only_when_the_setting_allows_it(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    assert ssrf.check_url("http://93.184.215.14/hook").scheme == "http"


def test_the_request_goes_to_the_checked_address_without_a_second_lookup(settings):
    """DNS rebinding: the name answers an allowed address when checked and an internal one
    afterwards; the request still goes to the checked address and the name is resolved once."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with running_receiver("127.0.0.1") as good:
        port = good.server.server_address[1]
        # The internal service listens on the same port of another loopback address.
        with running_receiver("127.0.0.2", port) as internal:
            answers = iter(["127.0.0.1", "127.0.0.2"])
            calls: list[str] = []

            def rebinding(host: str, port: int) -> list[str]:
                calls.append(host)
                return [next(answers)]

            target = ssrf.check_url(f"http://hooks.example.com:{port}/hook", resolver=rebinding)
            response = ssrf.post(target, b"{}", {"Content-Type": "application/json"})
            assert response.status == 200
            assert calls == ["hooks.example.com"]
            assert len(good.requests) == 1
            assert good.requests[0].headers["host"] == f"hooks.example.com:{port}"
            assert internal.requests == []
            # Checked again (as before every attempt), the second answer is refused.
            with pytest.raises(ssrf.UnsafeURL):
                ssrf.check_url(f"http://hooks.example.com:{port}/hook", resolver=rebinding)


def test_redirects_are_not_followed(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with running_receiver() as first, running_receiver() as second:
        first.redirect_to = second.url
        response = ssrf.post(ssrf.check_url(first.url), b"{}", {})
        assert response.status == 302
        assert not response.ok or response.error
        assert response.error == "redirect not followed"
        assert second.requests == []


def test_the_response_is_read_up_to_64_kb(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    big = b"x" * (ssrf.MAX_RESPONSE_BYTES * 4)
    with running_receiver() as receiver:
        original = receiver.handle
        receiver.handle = lambda path, headers, body: (original(path, headers, body)[0], {}, big)  # type: ignore[method-assign]
        response = ssrf.post(ssrf.check_url(receiver.url), b"{}", {})
    assert response.status == 200
    assert len(response.body) == ssrf.MAX_RESPONSE_BYTES


def test_a_receiver_that_never_answers_times_out(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    monkeypatch.setattr(ssrf, "TOTAL_TIMEOUT", 1.0)
    with running_receiver() as receiver:
        receiver.hold_next = True
        started = time.monotonic()
        response = ssrf.post(ssrf.check_url(receiver.url), b"{}", {})
        elapsed = time.monotonic() - started
        receiver.release()
    assert response.status == 0
    assert response.error == "timed out"
    assert elapsed < 5


def test_a_closed_port_is_a_failed_attempt_not_an_exception(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with running_receiver() as receiver:
        url = receiver.url
    response = ssrf.post(ssrf.check_url(url), b"{}", {})
    assert response.status == 0
    assert response.error
