"""E-mail delivery: one message per "immediate" notification, and the daily and weekly digests.

Mail is written in the recipient's language (``user.language``, else the site default) with
absolute links (``SITE_URL``). Every message carries unsubscribe links that work without signing in:
a signed, timestamped token naming the person and the kinds (``django.core.signing``, salted; it
expires after :data:`UNSUBSCRIBE_MAX_AGE`), plus the ``List-Unsubscribe`` and one-click
``List-Unsubscribe-Post`` headers (RFC 8058).

Sending is idempotent: rows are locked with ``SKIP LOCKED`` and stamped ``emailed_at`` in the same
transaction as the send, so two workers never mail the same row and a re-run mails nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds import Delivery, get_kind
from .models import Notification

if TYPE_CHECKING:
    from intranet.accounts.models import User

UNSUBSCRIBE_SALT = "intranet.notifications.unsubscribe"
#: How long an unsubscribe link works: long enough for a digest read late, short enough that an old
#: forwarded or leaked mail stops acting on the person's settings. Later, they sign in.
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=60)
#: How far back the safety sweep looks for "immediate" rows whose task was lost.
IMMEDIATE_SWEEP_WINDOW = dt.timedelta(days=2)
DIGEST_MAX_ITEMS = 50


# Links ----------------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def unsubscribe_token(user_id: int, kinds: Iterable[str]) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """``(user_id, kinds)`` from a token; raises ``signing.SignatureExpired`` when it is older than
    :data:`UNSUBSCRIBE_MAX_AGE`, ``signing.BadSignature`` for anything tampered."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), list):
        raise signing.BadSignature("malformed unsubscribe token")
    return data["u"], [str(k) for k in data["k"]]


def unsubscribe_url(user_id: int, kinds: Iterable[str]) -> str:
    token = unsubscribe_token(user_id, kinds)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


# Building messages --------------------------------------------------------------------------------


def _message(
    user: User, *, subject: str, template: str, context: dict[str, Any], unsubscribe: str
) -> EmailMultiAlternatives:
    context = {**context, "site_name": settings.WAGTAIL_SITE_NAME, "site_url": settings.SITE_URL, "user": user}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _item(notification: Notification) -> dict[str, Any]:
    kind = get_kind(notification.kind)
    return {
        "message": notification.message,
        "url": absolute_url(notification.url),
        "created_at": notification.created_at,
        "kind_label": str(kind.label) if kind else notification.kind,
    }


def build_immediate(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for one notification, in its recipient's language."""
    user = notification.recipient
    with translation.override(language_of(user)):
        item = _item(notification)
        unsubscribe = unsubscribe_url(user.pk, [notification.kind])
        return _message(
            user,
            subject=f"[{settings.WAGTAIL_SITE_NAME}] {item['message']}"[:200],
            template="immediate",
            context={"item": item, "unsubscribe_url": unsubscribe, "preferences_url": _preferences_url()},
            unsubscribe=unsubscribe,
        )


def _preferences_url() -> str:
    return absolute_url(reverse("notifications:preferences"))


def build_digest(user: User, notifications: Sequence[Notification], delivery: str) -> EmailMultiAlternatives:
    """One digest e-mail listing ``notifications`` grouped by kind, in the recipient's language."""
    with translation.override(language_of(user)):
        groups = []
        ordered = sorted(notifications, key=lambda n: (n.kind, -n.created_at.timestamp()))
        for key, rows in groupby(ordered, key=lambda n: n.kind):
            kind = get_kind(key)
            groups.append(
                {
                    "label": str(kind.label) if kind else key,
                    "items": [_item(n) for n in rows],
                    "unsubscribe_url": unsubscribe_url(user.pk, [key]),
                }
            )
        total = len(notifications)
        if delivery == Delivery.WEEKLY:
            subject = _("Your weekly summary: %(count)d new notifications") % {"count": total}
        else:
            subject = _("Your daily summary: %(count)d new notifications") % {"count": total}
        unsubscribe = unsubscribe_url(user.pk, {n.kind for n in notifications})
        return _message(
            user,
            subject=f"[{settings.WAGTAIL_SITE_NAME}] {subject}",
            template="digest",
            context={
                "groups": groups,
                "weekly": delivery == Delivery.WEEKLY,
                "total": total,
                "centre_url": absolute_url(reverse("notifications:centre")),
                "preferences_url": _preferences_url(),
                "unsubscribe_url": unsubscribe,
            },
            unsubscribe=unsubscribe,
        )


# Sending ------------------------------------------------------------------------------------------


def _lock_due(**filters: Any) -> list[Notification]:
    return list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(emailed_at__isnull=True, **filters)
        .order_by("id")
    )


def send_immediate(notification_ids: Iterable[int] | None = None) -> int:
    """E-mail the given "immediate" notifications not mailed yet (all recent ones with ``None``).

    Read rows (the person saw it already) and inactive recipients are stamped without a mail.
    Returns the number of e-mails sent.
    """
    filters: dict[str, Any] = {"delivery": Delivery.IMMEDIATE}
    if notification_ids is None:
        filters["created_at__gte"] = timezone.now() - IMMEDIATE_SWEEP_WINDOW
    else:
        filters["pk__in"] = list(notification_ids)
    with transaction.atomic():
        rows = _lock_due(**filters)
        messages = [build_immediate(n) for n in rows if n.read_at is None and n.recipient.is_active]
        if messages:
            get_connection().send_messages(messages)
        if rows:
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    return len(messages)


def digest_recipients(delivery: str) -> list[int]:
    """People with notifications waiting for the ``delivery`` digest (served by the partial index)."""
    return list(
        Notification.objects.filter(delivery=delivery, emailed_at__isnull=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def send_digest(user_id: int, delivery: str) -> bool:
    """Send ``user_id`` their digest of waiting ``delivery`` notifications; stamp them all.

    Only unread ones are listed (what was read in the app needs no reminder); nothing unread means
    no mail. Returns whether a mail went out.
    """
    with transaction.atomic():
        rows = _lock_due(recipient_id=user_id, delivery=delivery)
        if not rows:
            return False
        user = rows[0].recipient
        unread = sorted((n for n in rows if n.read_at is None), key=lambda n: n.created_at, reverse=True)
        sent = False
        if unread and user.is_active:
            build_digest(user, unread[:DIGEST_MAX_ITEMS], delivery).send()
            sent = True
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    return sent


def send_digests(delivery: str) -> int:
    """Send every waiting ``delivery`` digest; returns the number of e-mails."""
    if delivery not in (Delivery.DAILY, Delivery.WEEKLY):
        raise ValueError(f"not a digest: {delivery!r}")
    return sum(1 for user_id in digest_recipients(delivery) if send_digest(user_id, delivery))
