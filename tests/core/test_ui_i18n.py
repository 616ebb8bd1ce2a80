from __future__ import annotations

from django.conf import settings


def test_german_home_shows_german_navigation(client, user):
    client.force_login(user)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<html lang="de">' in html
    assert "Startseite" in html
    assert "Personen" in html
    assert ">Suchen</label>" in html  # the header search box (site search)
    assert "Abmelden" in html
    assert "Zum Hauptinhalt springen" in html
    assert "Neueste Nachrichten" in html


def test_switching_language_with_set_language(client, user):
    client.force_login(user)
    assert "Startseite" in client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in html
    assert "Sign out" in html
    assert "Startseite" not in html

    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert "Startseite" in client.get("/").content.decode()


def test_set_language_refuses_foreign_redirects(client, user):
    client.force_login(user)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
