"""A client that calls the API with a personal access token, as an integration would."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from integrations.api.models import AccessToken
from integrations.api.services import token_create
from intranet.accounts.models import User


def make_token(user: User, scope: str = AccessToken.Scope.WRITE) -> str:
    with transaction.atomic():
        return token_create(actor=user, name="Test tool", scope=scope, lifetime=dt.timedelta(days=30)).secret


class ApiClient:
    """Calls ``/api/v1/`` with ``Authorization: Bearer`` (or anonymously) and JSON bodies."""

    def __init__(self, secret: str | None = None) -> None:
        self.client = Client()
        self.secret = secret

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.secret:
            out["Authorization"] = f"Bearer {self.secret}"
        return out

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        call = getattr(self.client, method.lower())
        return call(f"/api/v1{path}", data=data, content_type="application/json", headers=self._headers(headers))


def api_as(user: User | None, scope: str = AccessToken.Scope.WRITE) -> ApiClient:
    return ApiClient(make_token(user, scope) if user is not None else None)


@pytest.fixture
def api(user: User) -> ApiClient:
    return api_as(user)
