"""What the REST API records about people (the register, intranet/core/privacy.py).

A personal access token belongs to the person who created it: its name, scope and dates are in
their export (never the secret, which is stored only as a hash); it goes with them. Remembered
answers of idempotent requests hold the person's own request body for two days.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import OnErase, own, personal_data

from .models import AccessToken, IdempotentRequest

personal_data(
    AccessToken,
    kind="api_tokens",
    label=_("API tokens"),
    owners=("user",),
    fields={"user": own(), "name": own()},
    other_fields={
        "prefix": _("The first characters of the secret, to recognise a token in the list."),
        "secret_hash": _("A one-way hash of the secret; never exported."),
        "scope": _("Read or write."),
    },
    on_erase=OnErase.DELETE,
    retention=_("Until revoked or expired (at most a year), or until the account is erased."),
)
personal_data(
    IdempotentRequest,
    kind="api_requests",
    owners=("user",),
    fields={"user": own(export=False), "body": own(export=False)},
    other_fields={
        "key": _("The client's idempotency key."),
        "fingerprint": _("A hash of the request, to refuse a different body under the same key."),
    },
    on_erase=OnErase.DELETE,
    exported=False,
    reason=_("A technical copy of an answer the person already received, forgotten after two days."),
    retention=_("Two days."),
)
