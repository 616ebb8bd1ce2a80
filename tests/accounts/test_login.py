from __future__ import annotations

from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD


def _session_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_renders_inside_the_platform_layout(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<main id="main"' in body
    assert 'class="form-control' in body
    assert 'class="btn btn-primary"' in body


def test_login_with_email_and_password(client, employee):
    response = sign_in(client, "Anna.Schmidt@corp.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _session_user_id(client) == str(employee.pk)


def test_login_with_wrong_password_is_refused(client, employee):
    response = sign_in(client, employee.email, "not the password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert _session_user_id(client) is None


def test_sixth_attempt_is_refused_even_with_the_right_password(client, employee):
    for _ in range(5):
        response = sign_in(client, employee.email, "wrong password!")
        assert "are not correct" in response.content.decode()

    response = sign_in(client, employee.email, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert _session_user_id(client) is None


def test_lockout_is_per_address(client, employee, other_user):
    for _ in range(5):
        sign_in(client, other_user.email, "wrong password!")

    response = sign_in(client, employee.email, PASSWORD)

    assert response.status_code == 302
    assert _session_user_id(client) == str(employee.pk)
