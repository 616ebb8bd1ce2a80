"""The delivery log is kept ``RETENTION_WEBHOOK_DELIVERIES_DAYS`` (30 by default): finished
deliveries go at the day boundary, a pending one stays whatever its age."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from integrations.webhooks.models import Delivery, Subscription
from intranet.privacy.retention.services import retention_apply, retention_report
from tests.factories import UserFactory

NOW = timezone.now()
DAYS = 30


def _delivery(subscription: Subscription, *, age_days: int, status: str) -> int:
    row = Delivery.objects.create(subscription=subscription, event_type="post.created", payload={}, status=status)
    Delivery.objects.filter(pk=row.pk).update(created_at=NOW - dt.timedelta(days=age_days))
    return row.pk


@pytest.mark.django_db
def test_finished_deliveries_go_at_the_day_boundary_pending_ones_stay(settings: Any) -> None:
    settings.RETENTION_WEBHOOK_DELIVERIES_DAYS = DAYS
    subscription = Subscription.objects.create(
        created_by=UserFactory.create(), url="https://receiver.example.com/hook", event_types=["post.created"]
    )
    inside = _delivery(subscription, age_days=DAYS - 1, status=Delivery.Status.SUCCEEDED)
    past_sent = _delivery(subscription, age_days=DAYS + 1, status=Delivery.Status.SUCCEEDED)
    past_given_up = _delivery(subscription, age_days=DAYS + 1, status=Delivery.Status.FAILED)
    past_pending = _delivery(subscription, age_days=DAYS + 1, status=Delivery.Status.PENDING)

    report = {line.key: line for line in retention_report(now=NOW)}
    assert report["webhook_deliveries"].due == 2
    assert Delivery.objects.count() == 4  # the dry run changes nothing

    lines = {line.key: line for line in retention_apply(now=NOW)}
    assert lines["webhook_deliveries"].done == 2
    assert set(Delivery.objects.values_list("pk", flat=True)) == {inside, past_pending}
    assert not Delivery.objects.filter(pk__in=[past_sent, past_given_up]).exists()


@pytest.mark.django_db
def test_zero_keeps_the_whole_log(settings: Any) -> None:
    settings.RETENTION_WEBHOOK_DELIVERIES_DAYS = 0
    subscription = Subscription.objects.create(
        created_by=UserFactory.create(), url="https://receiver.example.com/hook", event_types=["post.created"]
    )
    kept = _delivery(subscription, age_days=400, status=Delivery.Status.SUCCEEDED)
    assert {line.key: line.done for line in retention_apply(now=NOW)}["webhook_deliveries"] == 0
    assert Delivery.objects.filter(pk=kept).exists()
