"""Verifying a certificate by its code (issue 18, item 18): typed codes are normalised, unknown ones
are answered on the form, and people without an account may verify, rate limited per address."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.support.queries import assert_constant_queries
from tests.training.conftest import viewer_of
from tests.training.query_helpers import fetch
from training.certificates import views
from training.certificates.models import normalise_certificate_code
from training.certificates.services import certificate_revoke
from training.models import Certificate

pytestmark = pytest.mark.django_db

LOOKUP = reverse("training:certificate_lookup")


def _verify_url(code: str) -> str:
    return reverse("training:certificate_verify", args=[code])


@pytest.fixture
def cert(programme) -> Certificate:
    holder = UserFactory.create(display_name="Jürgen Öztürk")
    return Certificate.objects.create(user=holder, programme=programme, code="AB3DEFGH2JK7")


def test_normalise_removes_spaces_hyphens_and_case():
    assert normalise_certificate_code(" ab3d efgh-2jk7\n") == "AB3DEFGH2JK7"
    assert normalise_certificate_code("AB3D\u00a0EFGH\t2JK7") == "AB3DEFGH2JK7"  # pasted from a PDF


def test_someone_without_an_account_verifies_a_code(client, cert):
    response = client.get(_verify_url(cert.code))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in body and "Jürgen Öztürk" in body and cert.programme.title in body
    # Nothing beyond what a verifier needs: no print or revoke, no sign-in wall.
    assert reverse("training:certificate_print", args=[cert.code]) not in body
    assert reverse("training:certificate_revoke", args=[cert.code]) not in body


def test_revoked_shows_the_state_but_the_reason_only_to_employees(client, cert, coordinator):
    certificate_revoke(actor=viewer_of(coordinator), certificate=cert, reason="Answers copied from a colleague")
    anonymous = client.get(_verify_url(cert.code)).content.decode()
    assert 'data-status="revoked"' in anonymous and 'id="cert-revoked"' in anonymous
    assert "Answers copied" not in anonymous
    client.force_login(UserFactory.create())
    assert "Answers copied" in client.get(_verify_url(cert.code)).content.decode()


@pytest.mark.parametrize("typed", ["ab3d efgh 2jk7", "AB3D-EFGH-2JK7", " Ab3dEfgh2jk7 "])
def test_typed_codes_lead_to_the_certificate(client, cert, typed):
    response = client.get(LOOKUP, {"code": typed})
    assert response.status_code == 302 and response["Location"] == _verify_url(cert.code)
    # The same code typed into the address bar redirects to its canonical address.
    response = client.get(_verify_url(typed.strip()))
    assert response.status_code == 302 and response["Location"] == _verify_url(cert.code)
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_code_is_answered_on_the_form(client, cert):
    response = client.get(LOOKUP, {"code": "zz9z zzzz zzzz"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 404
    assert 'id="certificate-lookup"' in body and "There is no valid certificate with this code" in body
    assert 'value="ZZ9ZZZZZZZZZ"' in body and 'aria-invalid="true"' in body
    assert 'id="error-page"' not in body  # not the generic 404 page


def test_a_malformed_code_is_answered_on_the_form(client):
    response = client.get(LOOKUP, {"code": "<script>!"})
    body = response.content.decode()
    assert response.status_code == 400 and "A verification code has 12 letters and digits" in body
    assert "<script>!" not in body
    assert client.get(LOOKUP, {"code": ""}).status_code == 400


def test_the_form_is_translated(client):
    client.cookies["django_language"] = "de"
    response = client.get(LOOKUP, {"code": "ZZZZZZZZZZZZ"}, follow=True, headers={"accept-language": "de"})
    assert response.status_code == 404
    assert "Es gibt kein gültiges Zertifikat mit diesem Code" in response.content.decode()


def test_verification_page_queries(client, cert):
    """Anonymous: the certificate only (no session, no user); the count does not grow with others."""

    def add_rows(n: int) -> None:
        for _ in range(n):
            Certificate.objects.create(user=UserFactory.create(), programme=cert.programme)

    assert_constant_queries(add_rows=add_rows, action=fetch(client, _verify_url(cert.code)), expected=1)


@pytest.mark.redis
def test_anonymous_lookups_are_rate_limited_per_address_in_redis(settings, redis_url, cert):
    """Real Redis: the limit is shared by every web process; it counts per client address behind the
    trusted proxy, answers 429 with ``Retry-After`` and leaves signed-in people alone."""
    prefix = f"test-cert-verify-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": "intranet.core.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix}
    }
    server = redis.Redis.from_url(redis_url)
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    try:
        verifier = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
        statuses = [verifier.get(_verify_url(cert.code)).status_code for _ in range(views.VERIFY_LIMIT.count)]
        assert statuses == [200] * views.VERIFY_LIMIT.count
        refused = verifier.get(_verify_url(cert.code), headers={"accept-language": "de"})
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= views.VERIFY_LIMIT.window
        assert "Zu viele Anfragen" in refused.content.decode()
        # A spoofed left-most entry does not escape the limit: the proxy's entry counts.
        spoofed = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
        assert spoofed.get(_verify_url(cert.code)).status_code == 429
        # Unknown codes count too (no free guessing), and another address has its own window.
        assert verifier.get(_verify_url("ZZZZZZZZZZZZ")).status_code == 429
        other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
        assert other.get(_verify_url(cert.code)).status_code == 200
        # The count lives in Redis itself, where every web process finds it.
        assert server.keys(f"{prefix}:*certificate-verify:203.0.113.7*"), "the counter is stored in Redis"
        employee = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
        employee.force_login(UserFactory.create())
        assert employee.get(_verify_url(cert.code)).status_code == 200
    finally:
        keys = server.keys(f"{prefix}:*")
        if keys:
            server.delete(*keys)


def test_lookup_page_queries(client, cert):
    """The empty form costs nothing; an unknown code its one look-up plus, being a 404, Wagtail's
    redirect middleware (site, redirect); neither grows with the number of certificates."""

    def add_rows(n: int) -> None:
        for _ in range(n):
            Certificate.objects.create(user=UserFactory.create(), programme=cert.programme)

    def unknown() -> object:
        response = client.get(_verify_url("ZZZZZZZZZZZZ"))
        assert response.status_code == 404
        return response

    assert_constant_queries(add_rows=add_rows, action=fetch(client, LOOKUP), expected=0)
    assert_constant_queries(add_rows=add_rows, action=unknown, expected=3)
