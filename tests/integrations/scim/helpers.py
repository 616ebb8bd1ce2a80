"""Small helpers to talk SCIM through Django's test client."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

CT = "application/scim+json"


class Scim:
    """A SCIM caller with one bearer token: ``scim.post("/Users", {...})`` returns the response."""

    def __init__(self, raw_token: str | None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"} if raw_token else {}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.client.generic(
            method, f"/scim/v2{path}", data=data, content_type=CT, headers={**self.headers, **(headers or {})}
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.call("GET", path, headers=headers)

    def post(self, path: str, body: Any) -> Any:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.call("PUT", path, body, headers=headers)

    def patch(self, path: str, operations: list[dict[str, Any]]) -> Any:
        body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations}
        return self.call("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.call("DELETE", path)


def user_payload(user_name: str, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "userName": user_name,
        "name": {"givenName": "Jana", "familyName": "Novak"},
        "displayName": "Jana Novak",
        "title": "Engineer",
        "active": True,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Powertrain"},
    }
    payload.update(extra)
    return payload


def is_scim_error(response: Any, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"].startswith(CT)
        and body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        and str(body["status"]) == str(status)
    )
