"""Erasing a person (issue 23): notifications the person caused are removed for everyone.

Their own notifications go with their account (``recipient`` cascades). Notifications of others
where they were the actor carry their name in the rendered parameters, so those rows are deleted
too rather than shown with a blank name. Registered by ``NotificationsConfig``.
"""

from __future__ import annotations

from intranet.core.erasure import ErasureContext

from .models import Notification


def erase_person_notifications(ctx: ErasureContext) -> None:
    ctx.count("notifications.Notification", "deleted", Notification.objects.filter(actor=ctx.user).delete()[0])
