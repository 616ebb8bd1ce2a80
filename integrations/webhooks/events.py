"""Domain events of webhooks, recorded in the outbox.

=======================  ==========================================================================
event                    payload
=======================  ==========================================================================
``webhook.disabled``     subscription_id, failures (disabled after repeated failure; the owners
                         are told by :mod:`integrations.webhooks.notify`)
=======================  ==========================================================================
"""

from __future__ import annotations

from intranet.core import outbox

WEBHOOK_DISABLED = "webhook.disabled"

outbox.declare(WEBHOOK_DISABLED)


def webhook_disabled(*, subscription_id: int, failures: int, at: str) -> None:
    outbox.record(WEBHOOK_DISABLED, subscription_id=subscription_id, failures=failures, at=at)
