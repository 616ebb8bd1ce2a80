"""Writes of webhooks: managing subscriptions, creating deliveries from outbox events, sending them.

Delivery, in order per subscription
-----------------------------------
Each subscription is a queue: its pending deliveries in the order of their outbox events (test
events after them). :func:`delivery_send_next` sends the head of one queue, and only the head: a
later event waits until the earlier one succeeded or was given up, so a receiver sees a
subscription's events in order. Only one sender works on a queue at a time: it holds a
transaction-level advisory lock on the subscription while it sends (a crashed worker's connection
drops and the lock with it, so nothing waits for a lease to expire), and records the attempt in
the same transaction. A worker killed mid-request therefore leaves the delivery pending; it is
sent again later with the same ``webhook-id`` and body (receivers de-duplicate by that id, as the
Standard Webhooks specification asks).

A failed attempt (no 2xx within the timeouts, a redirect, a refused address) is retried after
:data:`RETRY_DELAYS` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h: seven attempts over about 18 hours),
then given up. After ``WEBHOOK_DISABLE_AFTER`` failed attempts in a row (no success between) the
subscription is disabled and its owners are told (``webhook.disabled``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from communities.api import Community, can_read_community_content, is_coordinator
from intranet.accounts.models import User
from intranet.core.audit import audit_log
from intranet.core.outbox import Event
from intranet.core.permissions import require
from intranet.core.viewer import Viewer, as_viewer

from . import catalogue, events, ssrf
from .models import Delivery, Subscription, new_secret
from .permissions import can_manage_community_webhooks, can_manage_platform_webhooks, can_manage_subscription

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
DEFAULT_DISABLE_AFTER = 15
EXCERPT_CHARS = 1000
USER_AGENT = "Intranet-Webhooks/1"
#: The first key of the advisory locks of webhooks (the second is the subscription id).
LOCK_CLASS = 0x5EB0


def disable_after() -> int:
    return int(getattr(settings, "WEBHOOK_DISABLE_AFTER", DEFAULT_DISABLE_AFTER))


def _audit(actor: Viewer | None, action: str, subscription: Subscription, **extra: Any) -> None:
    audit_log(actor=actor.user if actor is not None else None, action=action, target=subscription, **extra)


def _snapshot(subscription: Subscription) -> dict[str, Any]:
    return {
        "url": subscription.url,
        "description": subscription.description,
        "event_types": list(subscription.event_types),
        "community": subscription.community_id,
        "is_active": subscription.is_active,
    }


def _clean(*, url: str, event_types: list[str], community: Community | None) -> tuple[str, list[str]]:
    url = (url or "").strip()
    try:
        # Checked again before every attempt: DNS may change after the subscription is saved.
        ssrf.check_url(url)
    except ssrf.UnsafeURL as exc:
        raise ValidationError({"url": exc.message}, code=exc.code) from exc
    allowed = {key for key, _label in catalogue.choices(community=community is not None)}
    chosen = sorted(set(event_types))
    if not chosen or not set(chosen) <= allowed:
        raise ValidationError({"event_types": catalogue.CHOOSE_EVENTS_MESSAGE}, code="events")
    return url, chosen


# Managing subscriptions ----------------------------------------------------------------------------


@transaction.atomic
def subscription_create(
    *,
    actor: Viewer | User,
    url: str,
    event_types: list[str],
    community: Community | None = None,
    description: str = "",
) -> Subscription:
    """Subscribe ``url`` to ``event_types``: platform-wide (coordinators) or for ``community`` (its
    owners and coordinators). The URL must pass the SSRF check now; audited (``webhook.created``)."""
    viewer = as_viewer(actor)
    if community is None:
        require(can_manage_platform_webhooks(viewer))
    else:
        require(can_manage_community_webhooks(viewer, community))
    url, chosen = _clean(url=url, event_types=event_types, community=community)
    subscription = Subscription.objects.create(
        community=community,
        created_by_id=viewer.user_id,
        url=url,
        description=description.strip()[:200],
        event_types=chosen,
    )
    _audit(viewer, "webhook.created", subscription, after=_snapshot(subscription))
    return subscription


@transaction.atomic
def subscription_update(
    *, actor: Viewer | User, subscription: Subscription, url: str, event_types: list[str], description: str = ""
) -> Subscription:
    """Change the URL, events or description; audited with before and after."""
    viewer = as_viewer(actor)
    require(can_manage_subscription(viewer, subscription))
    url, chosen = _clean(url=url, event_types=event_types, community=subscription.community)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    before = _snapshot(locked)
    locked.url, locked.event_types, locked.description = url, chosen, description.strip()[:200]
    locked.save(update_fields=["url", "event_types", "description", "updated_at"])
    _audit(viewer, "webhook.updated", locked, before=before, after=_snapshot(locked))
    subscription.url, subscription.event_types, subscription.description = url, chosen, locked.description
    return subscription


@transaction.atomic
def subscription_delete(*, actor: Viewer | User, subscription: Subscription) -> None:
    """Delete a subscription and its delivery log; audited (``webhook.deleted``)."""
    viewer = as_viewer(actor)
    require(can_manage_subscription(viewer, subscription))
    _audit(viewer, "webhook.deleted", subscription, before=_snapshot(subscription))
    subscription.delete()


@transaction.atomic
def subscription_rotate_secret(*, actor: Viewer | User, subscription: Subscription) -> Subscription:
    """Replace the signing secret (the old one stops working at once); audited."""
    viewer = as_viewer(actor)
    require(can_manage_subscription(viewer, subscription))
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    _audit(viewer, "webhook.secret_rotated", subscription)
    return subscription


@transaction.atomic
def subscription_enable(*, actor: Viewer | User, subscription: Subscription) -> Subscription:
    """Switch a disabled subscription on again (failure count reset); waiting deliveries go out
    after commit through the caller's dispatch. Audited (``webhook.enabled``)."""
    viewer = as_viewer(actor)
    require(can_manage_subscription(viewer, subscription))
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.is_active:
        return locked
    locked.is_active, locked.consecutive_failures = True, 0
    locked.disabled_at, locked.disabled_reason = None, ""
    locked.save(update_fields=["is_active", "consecutive_failures", "disabled_at", "disabled_reason", "updated_at"])
    # Given-up deliveries stay given up; the waiting ones are due now.
    locked.deliveries.filter(status=Delivery.Status.PENDING).update(next_attempt_at=timezone.now())
    _audit(viewer, "webhook.enabled", locked, before={"is_active": False}, after={"is_active": True})
    subscription.is_active, subscription.consecutive_failures = True, 0
    subscription.disabled_at, subscription.disabled_reason = None, ""
    return subscription


@transaction.atomic
def subscription_disable(*, actor: Viewer | User, subscription: Subscription) -> Subscription:
    """Pause a subscription by hand: deliveries wait until it is enabled again. Audited."""
    viewer = as_viewer(actor)
    require(can_manage_subscription(viewer, subscription))
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not locked.is_active:
        return locked
    locked.is_active, locked.disabled_at, locked.disabled_reason = False, timezone.now(), "manual"
    locked.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    _audit(viewer, "webhook.disabled", locked, before={"is_active": True}, after={"is_active": False})
    subscription.is_active, subscription.disabled_at = False, locked.disabled_at
    subscription.disabled_reason = locked.disabled_reason
    return subscription


@transaction.atomic
def subscription_send_test(*, actor: Viewer | User, subscription: Subscription) -> Delivery:
    """Queue a ``webhook.test`` delivery (after the subscription's waiting events); audited."""
    viewer = as_viewer(actor)
    require(can_manage_subscription(viewer, subscription))
    now = timezone.now()
    delivery = Delivery.objects.create(
        subscription=subscription,
        event_id=None,
        event_type=catalogue.TEST_EVENT,
        payload={
            "type": catalogue.TEST_EVENT,
            "timestamp": now.isoformat(),
            "data": {"subscription_id": subscription.pk, "url": catalogue.absolute(subscription.get_absolute_url())},
        },
        next_attempt_at=now,
    )
    _audit(viewer, "webhook.tested", subscription, after={"message_id": delivery.message_id})
    return delivery


# From outbox events to deliveries ------------------------------------------------------------------


def _platform_receives(subscription: Subscription, community: Community | None, cache: dict[int, Viewer]) -> bool:
    """Whether a platform subscription's creator may still receive this event: an active
    coordinator who may read the community's content (platform events: any coordinator)."""
    creator = subscription.created_by
    if creator is None or not creator.is_active:
        return False
    viewer = cache.setdefault(creator.pk, as_viewer(creator))
    if not is_coordinator(viewer):
        return False
    return community is None or can_read_community_content(viewer, community)


def deliveries_create_for_event(*, event: Event) -> list[int]:
    """Create one delivery per active subscription that receives ``event``; returns the ids of the
    subscriptions that got one. Idempotent: a delivery exists once per (subscription, event).

    A community's event goes to that community's subscriptions and to the platform subscriptions
    whose creator may read it (a private or secret community's events reach no one else).
    """
    event_type = catalogue.BY_SOURCE.get(event.name)
    if event_type is None:
        return []
    community: Community | None = None
    community_id = event.get("community_id") if event_type.community else None
    if event_type.community:
        if not community_id:
            return []
        community = Community.objects.filter(pk=community_id).only("pk", "slug", "visibility", "category_id").first()
        if community is None:
            return []
    scope = (
        Q(community__isnull=True) | Q(community_id=community_id) if community is not None else Q(community__isnull=True)
    )
    candidates = (
        Subscription.objects.filter(scope, is_active=True, event_types__contains=[event_type.key])
        .select_related("created_by")
        .order_by("pk")
    )
    viewers: dict[int, Viewer] = {}
    receivers = [
        sub for sub in candidates if sub.community_id is not None or _platform_receives(sub, community, viewers)
    ]
    if not receivers:
        return []
    payload = catalogue.payload_for(
        event_type,
        event.payload,
        timestamp=event.created_at.isoformat(),
        community_slug=community.slug if community is not None else "",
    )
    now = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(
                subscription=sub, event_id=event.id, event_type=event_type.key, payload=payload, next_attempt_at=now
            )
            for sub in receivers
        ],
        ignore_conflicts=True,
    )
    return [sub.pk for sub in receivers]


# Sending -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What :func:`delivery_send_next` did: ``sent`` a delivery (successfully or not), found the
    queue ``busy`` (another sender holds it), or nothing due (``wait`` seconds until the head is)."""

    sent: bool = False
    busy: bool = False
    wait: float | None = None
    delivery_id: int | None = None


def _try_lock(subscription_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, subscription_id % 2**31])
        row = cursor.fetchone()
    return bool(row and row[0])


def body_of(delivery: Delivery) -> bytes:
    """The exact bytes sent (and signed) for ``delivery``: the same on every attempt."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def signed_headers(subscription: Subscription, delivery: Delivery, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers (id, timestamp of this attempt, ``v1`` signature)."""
    now = timezone.now()
    signature = Webhook(subscription.secret).sign(msg_id=delivery.message_id, timestamp=now, data=body)
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def _attempt(subscription: Subscription, delivery: Delivery) -> ssrf.Response:
    try:
        target = ssrf.check_url(subscription.url)
    except ssrf.UnsafeURL as exc:
        return ssrf.Response(status=0, error=f"refused: {exc.code}")
    body = body_of(delivery)
    return ssrf.post(target, body, signed_headers(subscription, delivery, body))


def _excerpt(body: bytes) -> str:
    return body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace").replace("\x00", "")[:EXCERPT_CHARS]


def _record(subscription: Subscription, delivery: Delivery, response: ssrf.Response) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.status_codes = [*delivery.status_codes, response.status]
    delivery.last_attempt_at = now
    delivery.last_error = response.error[:200]
    delivery.response_excerpt = _excerpt(response.body)
    if response.ok and not response.error:
        delivery.status, delivery.finished_at, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, now, None
        if subscription.consecutive_failures:
            Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
    else:
        if delivery.attempts > len(RETRY_DELAYS):
            delivery.status, delivery.finished_at, delivery.next_attempt_at = Delivery.Status.FAILED, now, None
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
        # Only the sender holding the queue's lock counts failures; enabling resets them.
        subscription.consecutive_failures += 1
        Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
        if subscription.consecutive_failures >= disable_after():
            _disable_failing(subscription, failures=subscription.consecutive_failures)
    delivery.save(
        update_fields=[
            "attempts",
            "status_codes",
            "last_attempt_at",
            "last_error",
            "response_excerpt",
            "status",
            "finished_at",
            "next_attempt_at",
        ]
    )


def _disable_failing(subscription: Subscription, *, failures: int) -> None:
    now = timezone.now()
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_at=now, disabled_reason="failures", updated_at=now
    )
    subscription.is_active = False
    audit_log(
        actor=None,
        action="webhook.disabled",
        target=subscription,
        reason="failures",
        before={"is_active": True},
        after={"is_active": False, "consecutive_failures": failures},
    )
    events.webhook_disabled(subscription_id=subscription.pk, failures=failures, at=now.isoformat())
    logger.warning("webhooks: subscription %s disabled after %s failed attempts", subscription.pk, failures)


def delivery_send_next(*, subscription_id: int) -> Outcome:
    """Send the head of the subscription's queue if it is due (see the module docstring).

    Holds the subscription's advisory lock and one transaction for the attempt (at most the
    request's 10 s); the attempt is recorded in that transaction.
    """
    with transaction.atomic():
        if not _try_lock(subscription_id):
            return Outcome(busy=True)
        subscription = Subscription.objects.filter(pk=subscription_id).first()
        if subscription is None or not subscription.is_active:
            return Outcome()
        head = (
            Delivery.objects.filter(subscription=subscription, status=Delivery.Status.PENDING)
            .order_by(F("event_id").asc(nulls_last=True), "id")
            .first()
        )
        if head is None:
            return Outcome()
        now = timezone.now()
        if head.next_attempt_at is not None and head.next_attempt_at > now:
            return Outcome(wait=(head.next_attempt_at - now).total_seconds(), delivery_id=head.pk)
        response = _attempt(subscription, head)
        _record(subscription, head, response)
        return Outcome(sent=True, delivery_id=head.pk)


def subscriptions_due(*, limit: int = 1000) -> list[int]:
    """Active subscriptions whose queue has a delivery due now (the sweep kicks them)."""
    return list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now(), subscription__is_active=True
        )
        .order_by("subscription_id")
        .values_list("subscription_id", flat=True)
        .distinct()[:limit]
    )
