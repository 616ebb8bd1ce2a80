"""Realtime events: published to channel-layer groups only after the transaction commits."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def publish(group: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every socket in ``group`` now. Prefer :func:`publish_on_commit`."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, {"type": "realtime.event", "event": event})


def publish_on_commit(group: str, event: dict[str, Any], *, using: str | None = None) -> None:
    """Queue ``event`` for ``group``; it is sent when the surrounding transaction commits.

    Rolled-back work never reaches a browser. Events carry ids and public fields only; where
    visibility differs per recipient, send a hint and let the client re-fetch through a
    permission-checked view.
    """
    if "type" not in event:
        raise ValueError("A realtime event needs a 'type', for example 'post.created'.")
    transaction.on_commit(lambda: publish(group, event), using=using)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
