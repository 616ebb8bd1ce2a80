"""Helpers of the pinned query-count tests of the training pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from tests.factories import UserFactory


def fetch(client: Client, url: str) -> Callable[[], Any]:
    def action() -> Any:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return action


def person() -> Any:
    return UserFactory.create()
