"""Webhooks through a real Celery worker on Redis to a real receiver on loopback: signatures,
a retry after a 500, the order of one subscription's events, and a worker killed mid-delivery
(restarted: nothing lost, nothing sent under a second id)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from standardwebhooks.webhooks import Webhook

from integrations.webhooks.jobs import deliveries_sweep
from integrations.webhooks.models import Delivery
from tests.communities.factories import write_post
from tests.integrations.webhooks.conftest import subscribe, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.redis]


def _post_ids(receiver, *, successful: bool = True) -> list[int]:
    return [json.loads(r.body)["data"]["post_id"] for r in receiver.requests if not successful or 200 <= r.status < 300]


def test_signed_deliveries_retry_after_a_500_in_order(workers, receiver, community, owner, coordinator):
    workers.start()
    mine = subscribe(owner, receiver.url + "/mine", community=community)
    platform = subscribe(coordinator, receiver.url)
    # The community subscription's first request fails; the platform one is not held up by it.
    receiver.fail_paths["/hook/mine"] = 1
    posts = [write_post(owner, community) for _ in range(4)]
    expected = 2 * len(posts)
    wait_for(lambda: Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count() == expected, workers=workers)

    for subscription in (mine, platform):
        ids = set(subscription.deliveries.values_list("message_id", flat=True))
        requests = [r for r in receiver.requests if r.webhook_id in ids]
        for request in requests:
            Webhook(subscription.secret).verify(request.body, request.headers)
        order = [json.loads(r.body)["data"]["post_id"] for r in requests if r.status == 200]
        assert order == [p.pk for p in posts]
    retried = mine.deliveries.order_by("event_id").first()
    assert retried is not None
    message_id = retried.message_id
    assert retried.status_codes == [500, 200]
    assert retried.attempts == 2
    # The retry came after the 500, and before any later event of the same subscription.
    mine_ids = set(mine.deliveries.values_list("message_id", flat=True))
    sequence = [(r.webhook_id, r.status) for r in receiver.requests if r.webhook_id in mine_ids]
    assert sequence[:2] == [(message_id, 500), (message_id, 200)]
    counts = Counter(r.webhook_id for r in receiver.requests)
    assert sum(counts.values()) == expected + 1
    assert len(counts) == expected


def test_a_worker_killed_mid_delivery_loses_and_duplicates_nothing(workers, receiver, community, owner):
    first = workers.start()
    subscription = subscribe(owner, receiver.url, community=community)
    receiver.hold_next = True
    posts = [write_post(owner, community) for _ in range(4)]
    # The worker is inside the first POST (the receiver holds it) when it is killed outright.
    assert receiver.held.wait(90), workers.output()
    wait_for(lambda: Delivery.objects.filter(subscription=subscription).count() == len(posts), workers=workers)
    workers.kill(first)
    receiver.release()
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == len(posts)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {0}

    workers.start()
    # The killed worker's own task message stays unacknowledged until the broker's visibility
    # timeout; the later kicks still queued, or else the beat sweep, hand the queue to the new one.
    deliveries_sweep()
    wait_for(lambda: Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count() == len(posts), workers=workers)

    deliveries = list(Delivery.objects.order_by("event_id"))
    counts = Counter(r.webhook_id for r in receiver.requests)
    assert set(counts) == {d.message_id for d in deliveries}
    interrupted = deliveries[0].message_id
    # The interrupted request reached the receiver and is sent again under the same id and body
    # (receivers de-duplicate by webhook-id); every other delivery went out exactly once.
    assert counts[interrupted] == 2
    assert all(counts[d.message_id] == 1 for d in deliveries[1:])
    bodies = {r.body for r in receiver.requests if r.webhook_id == interrupted}
    assert len(bodies) == 1
    # A receiver that de-duplicates by webhook-id sees every post once, in order.
    assert list(dict.fromkeys(_post_ids(receiver))) == [p.pk for p in posts]
    for request in receiver.requests:
        Webhook(subscription.secret).verify(request.body, request.headers)
