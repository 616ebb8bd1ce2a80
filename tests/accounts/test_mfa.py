from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD


def totp(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 time-based one-time password (HMAC-SHA1), as an authenticator app computes it."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def _session_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def _activate_totp(client) -> str:
    # Changing the second factor asks for the password again, however fresh the login.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302
    return secret


def test_totp_enrolment_then_login_requires_the_code(client, employee):
    assert sign_in(client, employee.email).status_code == 302
    secret = _activate_totp(client)
    assert Authenticator.objects.filter(user=employee, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))

    response = sign_in(client, employee.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _session_user_id(client) is None
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert _session_user_id(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})

    assert response.status_code == 302
    assert _session_user_id(client) == str(employee.pk)


def test_recovery_code_works_exactly_once(client, employee):
    sign_in(client, employee.email)
    _activate_totp(client)
    page = client.get(reverse("mfa_view_recovery_codes"))
    codes = page.context["unused_codes"]
    assert len(codes) == 10
    assert codes[0] in page.content.decode()
    client.post(reverse("account_logout"))

    sign_in(client, employee.email)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert _session_user_id(client) == str(employee.pk)
    client.post(reverse("account_logout"))

    sign_in(client, employee.email)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert _session_user_id(client) is None
