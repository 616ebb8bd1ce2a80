"""What outgoing webhooks record about people (the register, intranet/core/privacy.py).

A subscription names the coordinator or owner who created it; its URL, description and secret
belong to the integration, not to a person, so they stay (with the creator shown as "former
employee") when that person is erased: a community's integrations keep running after its owner
leaves. Deliveries carry row numbers, event names and links, never content.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import ACTOR_REASON, OnErase, actor, not_personal, personal_data

from .models import Delivery, Subscription

personal_data(
    Subscription,
    kind="webhooks",
    label=_("Webhook subscriptions"),
    owners=("created_by",),
    fields={"created_by": actor(export=True)},
    other_fields={
        "url": _("The receiving system's address."),
        "description": _("What the integration is for."),
        "secret": _("The signing key shared with the receiving system."),
        "disabled_reason": _("Why the platform switched the subscription off (a status code or error)."),
    },
    on_erase=OnErase.ANONYMISE,
    reason=ACTOR_REASON,
)
not_personal(
    Delivery,
    _(
        "One event sent to a receiving system: event name, row numbers and links (never content), "
        "status codes and the start of the receiver's answer."
    ),
)
