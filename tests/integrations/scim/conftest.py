"""A live SCIM endpoint for the tests: a token, and a scim2-client bound to Django in process."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client
from scim2_client.engines.wsgi import WSGISCIMClient

from integrations.scim.tokens import scim_token_create

BASE = "http://testserver/scim/v2"


@pytest.fixture
def scim_token(staff_user):
    token, raw = scim_token_create(actor=staff_user, name="Entra ID")
    return token, raw


@pytest.fixture
def bearer(scim_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {scim_token[1]}"}


def django_wsgi_app(client: Client) -> Callable[..., Iterable[bytes]]:
    """The project as a WSGI application, through Django's test client so the request runs on the
    test's database connection (a bare WSGIHandler would close it between requests)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read()
        headers = {
            key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        path = environ["PATH_INFO"] + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        response = client.generic(
            environ["REQUEST_METHOD"],
            path,
            data=body,
            content_type=environ.get("CONTENT_TYPE") or "application/scim+json",
            headers=headers,
        )
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]

    return app


@pytest.fixture
def scim_client(bearer) -> WSGISCIMClient:
    return WSGISCIMClient(django_wsgi_app(Client()), base_url=BASE, headers=bearer)
