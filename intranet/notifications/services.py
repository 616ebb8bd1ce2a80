"""Every write of notifications: create (fan-out), mark read, and the delivery preferences.

:func:`notify` is the one door for creating notifications. It is idempotent: a row is unique per
recipient and ``event_key``, so a task that runs twice creates nothing new. It works in chunks, each
in its own transaction, and costs a fixed number of queries per chunk whatever the chunk's size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

from . import events
from .kinds import EMAIL_DELIVERIES, Delivery, get_kind, scope_choices
from .models import Notification, Preference
from .permissions import can_change_preferences, can_view_notification

if TYPE_CHECKING:
    from intranet.accounts.models import User

#: Recipients handled per transaction (one preference query, one INSERT, one outbox row each).
CHUNK_SIZE = 1000


@dataclass
class NotifyResult:
    """Who got a new (or, for batched kinds, a refreshed) row, and the ids of rows to e-mail now."""

    recipient_ids: list[int] = field(default_factory=list)
    immediate_ids: list[int] = field(default_factory=list)


# Delivery resolution ------------------------------------------------------------------------------


def resolve_deliveries(user_ids: Iterable[int], *, kind: str, scope: str = "") -> dict[int, str]:
    """``{user_id: delivery}`` for ``kind`` in ``scope``: the scope's override, else the person's
    general choice, else the kind's default (one query)."""
    ids = list(user_ids)
    kind_obj = get_kind(kind)
    default = kind_obj.default_delivery if kind_obj else Delivery.IN_APP
    scopes = {"", scope} if scope else {""}
    general: dict[int, str] = {}
    scoped: dict[int, str] = {}
    rows = Preference.objects.filter(user_id__in=ids, kind=kind, scope__in=scopes).values_list(
        "user_id", "scope", "delivery"
    )
    for user_id, row_scope, delivery in rows:
        (scoped if row_scope else general)[user_id] = delivery
    return {uid: scoped.get(uid) or general.get(uid) or default for uid in ids}


# Creating -----------------------------------------------------------------------------------------


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_INSERT = """
INSERT INTO {table} (recipient_id, kind, actor_id, event_key, scope, url, params, count, delivery, created_at)
SELECT t.recipient_id, %s, %s, %s, %s, %s, %s::jsonb, %s, t.delivery, %s
FROM unnest(%s::bigint[], %s::text[]) AS t(recipient_id, delivery)
JOIN {users} u ON u.id = t.recipient_id AND u.is_active
ON CONFLICT ON CONSTRAINT notification_once DO {conflict}
RETURNING id, recipient_id, delivery
"""

# Batched kinds (reactions on one post): the row counts up, moves to the top and is unread again.
_REFRESH = """UPDATE SET count = EXCLUDED.count, actor_id = EXCLUDED.actor_id, params = EXCLUDED.params,
url = EXCLUDED.url, delivery = EXCLUDED.delivery, created_at = EXCLUDED.created_at, read_at = NULL,
emailed_at = NULL"""


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    event_key: str,
    actor: User | int | None = None,
    scope: str = "",
    url: str,
    params: Mapping[str, Any],
    count: int = 1,
    batch: bool = False,
) -> NotifyResult:
    """Create the notification ``event_key`` of ``kind`` for every recipient (not the actor).

    Delivery comes from each recipient's preferences (one query per chunk); "off" creates no row,
    inactive people get none. Existing rows are left alone (idempotent), unless ``batch``: then the
    row takes the new ``count``, actor and params and becomes the newest unread again. After each
    chunk commits, ``notifications.changed`` {unread} goes to every recipient with a new row, once,
    and their "immediate" rows are e-mailed (the outbox events ``notification.created`` and, when a
    chunk has such rows, ``notification.mail_due``, in each
    chunk's transaction; see ``realtime.py`` and ``notify.py``). Call it from tasks or subscribers;
    ``params`` hold public fields only (they are shown to the recipient as they are).
    """
    actor_id = actor if isinstance(actor, int) or actor is None else actor.pk
    ids = sorted({int(uid) for uid in recipient_ids} - {actor_id})
    result = NotifyResult()
    if not ids:
        return result
    sql = _INSERT.format(
        table=connection.ops.quote_name(Notification._meta.db_table),
        users=connection.ops.quote_name(get_user_model()._meta.db_table),
        conflict=_REFRESH if batch else "NOTHING",
    )
    payload = json.dumps(dict(params), cls=DjangoJSONEncoder)
    for chunk in _chunks(ids, CHUNK_SIZE):
        with transaction.atomic():
            deliveries = resolve_deliveries(chunk, kind=kind, scope=scope)
            wanted = [(uid, d) for uid, d in deliveries.items() if d != Delivery.OFF]
            if not wanted:
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    [
                        kind,
                        actor_id,
                        event_key,
                        scope,
                        url,
                        payload,
                        count,
                        timezone.now(),
                        [uid for uid, _d in wanted],
                        [d for _uid, d in wanted],
                    ],
                )
                created = cursor.fetchall()
            if not created:
                continue
            recipients = sorted({row[1] for row in created})
            immediate = [row[0] for row in created if row[2] == Delivery.IMMEDIATE]
            events.notifications_created(recipient_ids=recipients, immediate_ids=immediate)
            result.recipient_ids.extend(recipients)
            result.immediate_ids.extend(immediate)
    return result


# Reading ------------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: Viewer | User, notification: Notification) -> Notification:
    """Mark one of one's own notifications read (no-op if read); the badge updates after commit."""
    viewer = as_viewer(actor)
    require(can_view_notification(viewer, notification))
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            events.notifications_read(recipient_id=notification.recipient_id)
        notification.read_at = now
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Viewer | User) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    viewer = as_viewer(actor)
    require(viewer.is_authenticated)
    assert viewer.user_id is not None
    changed = Notification.objects.filter(recipient_id=viewer.user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        events.notifications_read(recipient_id=viewer.user_id)
    return changed


# Preferences --------------------------------------------------------------------------------------


def _clean_preference(user: User, kind: str, delivery: str, scope: str) -> None:
    kind_obj = get_kind(kind)
    if kind_obj is None:
        raise ValidationError({"kind": _("Choose one of the offered kinds of notification.")}, code="invalid_kind")
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": _("Choose one of the offered ways to be notified.")}, code="invalid")
    if scope:
        if not kind_obj.scoped:
            raise ValidationError(
                {"kind": _("This kind of notification cannot be set per community.")}, code="not_scoped"
            )
        if scope not in {value for value, _label in scope_choices(user)}:
            raise ValidationError({"scope": _("Choose one of your communities.")}, code="invalid_scope")


@transaction.atomic
def preference_set(*, actor: Viewer | User, kind: str, delivery: str, scope: str = "") -> Preference | None:
    """Choose how ``kind`` reaches the actor, everywhere (``scope=""``) or in one community.

    Only registered kinds, known deliveries and the actor's own scopes are accepted
    (``ValidationError`` otherwise). A general choice equal to the kind's default is stored as no
    row at all; a scoped choice is always stored (it overrides the general one). Applies to
    notifications created from now on.
    """
    viewer = as_viewer(actor)
    require(can_change_preferences(viewer))
    user: User = viewer.user  # type: ignore[assignment]
    _clean_preference(user, kind, delivery, scope)
    kind_obj = get_kind(kind)
    assert kind_obj is not None
    if not scope and delivery == kind_obj.default_delivery:
        Preference.objects.filter(user=user, kind=kind, scope="").delete()
        return None
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=kind, scope=scope, defaults={"delivery": delivery}
    )
    return preference


@transaction.atomic
def preference_remove(*, actor: Viewer | User, kind: str, scope: str) -> None:
    """Drop a per-community override: the general choice applies there again."""
    viewer = as_viewer(actor)
    require(can_change_preferences(viewer))
    if not scope:
        raise ValidationError({"scope": _("Choose one of your communities.")}, code="invalid_scope")
    assert viewer.user_id is not None
    Preference.objects.filter(user_id=viewer.user_id, kind=kind, scope=scope).delete()


@transaction.atomic
def preferences_unsubscribe(*, user: User, kinds: Iterable[str]) -> list[str]:
    """Stop e-mail for ``kinds`` (from a signed unsubscribe link; no sign-in needed).

    Each kind falls back to in-app delivery, generally and in every community override that sent
    e-mail; notifications already waiting for a digest are not mailed any more. Unknown kinds are
    ignored. Returns the kinds changed.
    """
    done: list[str] = []
    for key in kinds:
        if get_kind(key) is None:
            continue
        Preference.objects.update_or_create(user=user, kind=key, scope="", defaults={"delivery": Delivery.IN_APP})
        Preference.objects.filter(user=user, kind=key, delivery__in=EMAIL_DELIVERIES).update(delivery=Delivery.IN_APP)
        Notification.objects.filter(
            recipient=user, kind=key, emailed_at__isnull=True, delivery__in=EMAIL_DELIVERIES
        ).update(delivery=Delivery.IN_APP)
        done.append(key)
    return done
