"""Reads of the webhook pages: the lists of subscriptions and one subscription with its log."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from communities.api import Community
from intranet.core.pagination import Page, keyset_page
from intranet.core.viewer import Viewer

from .models import Delivery, Subscription
from .permissions import visible_subscriptions

PAGE_SIZE = 25


def _subscriptions() -> QuerySet[Subscription]:
    return Subscription.objects.select_related("community", "created_by")


def subscription_list_for_platform(viewer: Viewer, *, cursor: str | None = None) -> Page[Subscription]:
    """Platform subscriptions the viewer manages, newest first (keyset pages)."""
    qs = visible_subscriptions(viewer, _subscriptions().filter(community__isnull=True))
    return keyset_page(qs, ordering=("-id",), cursor=cursor, page_size=PAGE_SIZE)


def subscription_list_for_community(
    viewer: Viewer, community: Community, *, cursor: str | None = None
) -> Page[Subscription]:
    """The community's subscriptions, newest first (keyset pages); the caller checked the viewer
    may manage them."""
    qs = _subscriptions().filter(community=community)
    return keyset_page(qs, ordering=("-id",), cursor=cursor, page_size=PAGE_SIZE)


def subscription_get_for_viewer(viewer: Viewer, pk: int) -> Subscription:
    """The subscription ``pk`` if the viewer manages it; ``Http404`` for missing and others' alike."""
    subscription = visible_subscriptions(viewer, _subscriptions()).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


def delivery_log_for_subscription(subscription: Subscription, *, cursor: str | None = None) -> Page[Delivery]:
    """The subscription's deliveries, newest first (keyset pages)."""
    qs = Delivery.objects.filter(subscription=subscription).defer("payload")
    return keyset_page(qs, ordering=("-id",), cursor=cursor, page_size=PAGE_SIZE)
