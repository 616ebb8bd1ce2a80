"""Notices to a member about what moderators and coordinators did to their content or membership.

Shared by the post, comment and moderation services (which sit on both sides of this): the
reason a moderator gives, and the ``moderation.action`` notification the member receives. A
service calls :func:`tell_member` inside its transaction; it records ``member.noticed``
(user_id, actor_id, entry_id, url, params, community_id) in the outbox and the subscriber below
sends the notification after commit, queued.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core import outbox
from intranet.core.models import AuditEntry
from intranet.core.outbox import Event, subscriber
from intranet.core.viewer import Viewer
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.services import notify

NOTIFY_KIND = "moderation.action"
REASON_MAX = 1000
PLATFORM_SCOPE = "platform"
MEMBER_NOTICED = "member.noticed"

outbox.declare(MEMBER_NOTICED)


def notice_scope(community_id: int | None) -> str:
    return f"community:{community_id}" if community_id else PLATFORM_SCOPE


def clean_reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").replace("\x00", "").strip()
    if required and not reason:
        raise ValidationError({"reason": _("Give a reason: the member will read it.")}, code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("The reason may have at most %(max)d characters.") % {"max": REASON_MAX}}, code="max_length"
        )
    return reason


def tell_member(
    *,
    user_id: int | None,
    actor: Viewer,
    entry: AuditEntry,
    url: str,
    what: str,
    params: Mapping[str, Any],
    community_id: int | None,
) -> None:
    """Tell the member concerned after commit (never the actor themself): records ``member.noticed``."""
    if user_id is None or user_id == actor.user_id:
        return
    outbox.record(
        MEMBER_NOTICED,
        user_id=user_id,
        actor_id=actor.user_id,
        entry_id=entry.pk,
        url=url,
        params={"what": what, **params},
        community_id=community_id,
    )


@subscriber(MEMBER_NOTICED, name="communities.core.notify_member_noticed")
def notify_member_noticed(event: Event) -> None:
    community_id = event["community_id"]
    notify(
        recipient_ids=[event["user_id"]],
        kind=NOTIFY_KIND,
        event_key=f"moderation:{event['entry_id']}",
        actor=event["actor_id"],
        scope=notice_scope(community_id) if community_id else "",
        url=event["url"],
        params=event["params"],
    )


def _message(params: Mapping[str, Any], count: int) -> str:
    what = params.get("what", "")
    p = {"title": "", "community": "", "reason": "", "until": "", **params}
    texts = {
        "post_hidden": _("A moderator hid your post “%(title)s”."),
        "post_restored": _("Your post “%(title)s” is visible again."),
        "post_approved": _("Your post “%(title)s” was approved and is published."),
        "post_rejected": _("Your post “%(title)s” was not approved."),
        "post_moved": _("A moderator moved your post “%(title)s” to %(community)s."),
        "comment_hidden": _("A moderator hid your comment on “%(title)s”."),
        "comment_restored": _("Your comment on “%(title)s” is visible again."),
        "post_edited": _("A moderator edited your post “%(title)s”."),
        "comment_edited": _("A moderator edited your comment on “%(title)s”."),
        "message_hidden": _("A coordinator hid one of your direct messages."),
        "message_restored": _("Your direct message is visible again."),
        "warned": _("A moderator of %(community)s sent you a warning."),
        "muted": _("You cannot post or comment in %(community)s until %(until)s."),
        "unmuted": _("You can post and comment in %(community)s again."),
    }
    text = texts.get(what, _("A moderator acted on your content.")) % p
    if p["reason"]:
        # One message for the sentence and its reason, so the translator orders and punctuates both.
        text = _("%(notice)s Reason: %(reason)s") % {"notice": text, "reason": p["reason"]}
    return text


def register_notification_kind() -> None:
    """Register ``moderation.action`` with the notifications registry (from ``AppConfig.ready``)."""
    register_kind(NOTIFY_KIND, gettext_lazy("Moderation of my content"), Delivery.IMMEDIATE, _message)
