from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from intranet.accounts.models import User
from tests.accounts.conftest import sign_in

LOGIN_REQUIRED = "/accounts/password/change/"


def test_logout_invalidates_the_session_on_the_server(client, employee):
    sign_in(client, employee.email)
    assert client.get(LOGIN_REQUIRED).status_code == 200
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302

    # Replay the cookie the browser had before logging out.
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = client.get(LOGIN_REQUIRED)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_logout_needs_a_post(client, employee):
    sign_in(client, employee.email)

    client.get(reverse("account_logout"))

    assert client.get(LOGIN_REQUIRED).status_code == 200


def test_deactivated_user_is_anonymous_on_the_next_request(client, employee):
    sign_in(client, employee.email)
    assert client.get(LOGIN_REQUIRED).status_code == 200

    User.objects.filter(pk=employee.pk).update(is_active=False)
    response = client.get(LOGIN_REQUIRED)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("home")).wsgi_request.user.is_anonymous
