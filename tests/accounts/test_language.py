from __future__ import annotations

import pytest

from intranet.accounts.models import User

pytestmark = pytest.mark.django_db


def test_saved_language_is_used_without_a_cookie(client, user):
    User.objects.filter(pk=user.pk).update(language="en")
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en"' in response.content.decode()


def test_cookie_wins_over_saved_language(client, user, settings):
    User.objects.filter(pk=user.pk).update(language="en")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get("/")
    assert '<html lang="de"' in response.content.decode()


def test_switching_language_saves_it_on_the_account(client, user):
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    user.refresh_from_db()
    assert user.language == "en"


def test_anonymous_switch_only_sets_the_cookie(client, settings):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_unknown_language_is_ignored(client, user):  # the account keeps "not chosen"
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""
