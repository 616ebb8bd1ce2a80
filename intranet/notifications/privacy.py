"""What the notifications app records about people (the register, intranet/core/privacy.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.core.privacy import OnErase, actor, own, personal_data

from .models import Notification, Preference

personal_data(
    Notification,
    kind="notifications",
    label=_("Notifications"),
    owners=("recipient",),
    fields={
        "recipient": own(),
        "actor": actor(export=True),
        "params": own(),
        "url": own(),
    },
    other_fields={"event_key": _("A technical key that merges repeated notifications.")},
    on_erase=OnErase.DELETE,
    retention="RETENTION_NOTIFICATIONS_DAYS",
)
personal_data(
    Preference,
    kind="notification_preferences",
    label=_("Notification settings"),
    owners=("user",),
    fields={"user": own()},
    on_erase=OnErase.DELETE,
)
