"""Webhook services with Celery running eagerly and a real receiver on loopback: which events
reach which subscriptions, what a payload carries, retries, ordering, disabling, the audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from communities.core import services as community_services
from communities.models import Community
from communities.posts import services as post_services
from integrations.webhooks import catalogue, services
from integrations.webhooks.models import Delivery, Subscription
from integrations.webhooks.tasks import subscription_dispatch_task
from intranet.core import outbox
from intranet.core.models import AuditEntry, OutboxEvent
from intranet.notifications.models import Notification
from tests.communities.factories import add_person, write_post
from tests.factories import UserFactory
from tests.integrations.webhooks.conftest import owner_of, scoped_coordinator, subscribe, verify_all

pytestmark = pytest.mark.django_db


def _due_now(subscription: Subscription) -> None:
    Delivery.objects.filter(subscription=subscription, status=Delivery.Status.PENDING).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def _run(subscription: Subscription) -> int:
    return subscription_dispatch_task.apply(args=(subscription.pk,)).get()


# What goes where -----------------------------------------------------------------------------------


def test_a_new_post_reaches_the_communitys_and_the_coordinators_subscriptions_signed(
    receiver, community, owner, coordinator, run_on_commit
):
    mine = subscribe(owner, receiver.url, community=community)
    platform = subscribe(coordinator, receiver.url)
    post = run_on_commit(lambda: write_post(owner, community))
    assert sorted(Delivery.objects.values_list("subscription_id", flat=True)) == sorted([mine.pk, platform.pk])
    assert len(receiver.requests) == 2
    by_id = {r.webhook_id: r for r in receiver.requests}
    for subscription in (mine, platform):
        request = by_id[subscription.deliveries.get().message_id]
        body = Webhook(subscription.secret).verify(request.body, request.headers)
        assert body["type"] == "post.created"
        assert body["data"] == {
            "post_id": post.pk,
            "community_id": community.pk,
            "author_id": owner.pk,
            "url": catalogue.absolute(post.get_absolute_url()),
        }
        assert request.headers["content-type"] == "application/json"
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SUCCEEDED}


def test_payloads_carry_ids_and_links_never_content(receiver, community, owner, run_on_commit):
    subscription = subscribe(owner, receiver.url, community=community, events=["post.created", "comment.created"])
    post = run_on_commit(lambda: write_post(owner, community, title="Secret merger plans", body="Top **secret**"))
    run_on_commit(lambda: post_services.comment_create(actor=owner, post=post, body="Confidential reply"))
    raw = b" ".join(r.body for r in receiver.requests)
    assert b"Secret merger" not in raw
    assert b"Top" not in raw
    assert b"Confidential" not in raw
    verify_all(receiver, subscription)
    types = [json.loads(r.body)["type"] for r in receiver.requests]
    assert types == ["post.created", "comment.created"]


def test_a_private_communitys_events_reach_only_its_own_and_allowed_coordinators_subscriptions(
    receiver, owner, coordinator, run_on_commit
):
    private = community_services.community_create(actor=owner, name="Board Room", visibility="secret")
    other = community_services.community_create(actor=owner, name="Open Garden")
    own = subscribe(owner, receiver.url, community=private)
    elsewhere = subscribe(owner, receiver.url, community=other)
    staff = subscribe(coordinator, receiver.url)
    inside = subscribe(scoped_coordinator(private), receiver.url)
    outside = subscribe(scoped_coordinator(other), receiver.url)
    employee_turned = subscribe(scoped_coordinator(private), receiver.url)
    # The creator lost the coordinator role: the platform subscription receives nothing more.
    employee_turned.created_by.user_permissions.clear()
    run_on_commit(lambda: write_post(owner, private))
    receivers = set(Delivery.objects.values_list("subscription_id", flat=True))
    assert receivers == {own.pk, staff.pk, inside.pk}
    assert elsewhere.pk not in receivers and outside.pk not in receivers


def test_events_nobody_chose_and_inactive_subscriptions_create_no_delivery(receiver, community, owner, run_on_commit):
    subscribe(owner, receiver.url, community=community, events=["membership.joined"])
    paused = subscribe(owner, receiver.url, community=community, events=["post.created"])
    services.subscription_disable(actor=owner, subscription=paused)
    run_on_commit(lambda: write_post(owner, community))
    assert not Delivery.objects.exists()
    assert receiver.requests == []


def test_member_joined_and_left_reach_the_community(receiver, community, owner, run_on_commit):
    subscription = subscribe(owner, receiver.url, community=community, events=["membership.joined", "membership.left"])
    person = UserFactory.create()
    run_on_commit(lambda: community_services.membership_join(actor=person, community=community))
    run_on_commit(lambda: community_services.membership_leave(actor=person, community=community))
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["membership.joined", "membership.left"]
    assert bodies[0]["data"]["user_id"] == person.pk
    assert bodies[1]["data"]["how"] == "left"
    assert bodies[0]["data"]["url"].endswith(f"/communities/{community.slug}/")
    verify_all(receiver, subscription)


def test_post_edited_and_deleted_are_delivered(receiver, community, owner, run_on_commit):
    subscribe(owner, receiver.url, community=community, events=["post.edited", "post.deleted"])
    post = run_on_commit(lambda: write_post(owner, community))
    run_on_commit(lambda: post_services.post_update(actor=owner, post=post, title="A new title"))
    run_on_commit(lambda: post_services.post_delete(actor=owner, post=post))
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["post.edited", "post.deleted"]


def test_a_delivery_exists_once_per_subscription_and_event(receiver, community, owner, run_on_commit):
    subscription = subscribe(owner, receiver.url, community=community)
    run_on_commit(lambda: write_post(owner, community))
    row = OutboxEvent.objects.get(name="post.created")
    event = outbox.Event(id=row.pk, name=row.name, payload=row.payload, created_at=row.created_at)
    services.deliveries_create_for_event(event=event)
    services.deliveries_create_for_event(event=event)
    assert Delivery.objects.filter(subscription=subscription).count() == 1
    _run(subscription)
    assert len(receiver.requests) == 1


# Retries, ordering, disabling ----------------------------------------------------------------------


def test_a_failed_attempt_is_retried_with_backoff_and_keeps_its_id_and_body(receiver, community, owner, run_on_commit):
    subscription = subscribe(owner, receiver.url, community=community)
    receiver.fail_first = 1
    run_on_commit(lambda: write_post(owner, community))
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.status_codes == [500]
    assert delivery.response_excerpt == "receiver says no"
    assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert wait == pytest.approx(services.RETRY_DELAYS[0].total_seconds(), abs=0.5)
    # Not due yet: nothing is sent.
    assert _run(subscription) == 0
    _due_now(subscription)
    assert _run(subscription) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.status_codes == [500, 200]
    first, second = receiver.requests
    assert first.webhook_id == second.webhook_id == delivery.message_id
    assert first.body == second.body
    verify_all(receiver, subscription)


def test_the_backoff_covers_about_a_day_then_gives_up(receiver, community, owner, run_on_commit, settings):
    settings.WEBHOOK_DISABLE_AFTER = 100
    subscription = subscribe(owner, receiver.url, community=community)
    receiver.fail_first = 100
    run_on_commit(lambda: write_post(owner, community))
    delivery = Delivery.objects.get()
    waits = []
    while delivery.status == Delivery.Status.PENDING:
        assert delivery.next_attempt_at is not None and delivery.last_attempt_at is not None
        waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
        _due_now(subscription)
        _run(subscription)
        delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == len(services.RETRY_DELAYS) + 1
    assert [round(w.total_seconds()) for w in waits] == [d.total_seconds() for d in services.RETRY_DELAYS]
    assert dt.timedelta(hours=12) < sum(waits, dt.timedelta()) < dt.timedelta(hours=30)


def test_later_events_wait_for_the_earlier_one_of_the_same_subscription(receiver, community, owner, run_on_commit):
    slow = subscribe(owner, receiver.url, community=community)
    receiver.fail_first = 1
    posts = [run_on_commit(lambda: write_post(owner, community)) for _ in range(3)]
    # The first failed; the two later ones were not sent while it waits for its retry.
    assert [r.status for r in receiver.requests] == [500]
    _due_now(slow)
    _run(slow)
    order = [json.loads(r.body)["data"]["post_id"] for r in receiver.requests if r.status == 200]
    assert order == [p.pk for p in posts]


def test_a_given_up_delivery_lets_the_next_ones_through(receiver, community, owner, run_on_commit, settings):
    settings.WEBHOOK_DISABLE_AFTER = 100
    subscription = subscribe(owner, receiver.url, community=community)
    receiver.fail_first = len(services.RETRY_DELAYS) + 1
    first = run_on_commit(lambda: write_post(owner, community))
    second = run_on_commit(lambda: write_post(owner, community))
    for _ in range(len(services.RETRY_DELAYS)):
        _due_now(subscription)
        _run(subscription)
    statuses = dict(Delivery.objects.values_list("payload__data__post_id", "status"))
    assert statuses == {first.pk: Delivery.Status.FAILED, second.pk: Delivery.Status.SUCCEEDED}


def test_repeated_failure_disables_the_subscription_and_tells_the_owners(
    receiver, community, owner, run_on_commit, settings
):
    settings.WEBHOOK_DISABLE_AFTER = 3
    co_owner = add_person(community, role="owner")
    subscription = subscribe(owner, receiver.url, community=community)
    receiver.fail_first = 100
    run_on_commit(lambda: write_post(owner, community))
    for _ in range(2):
        _due_now(subscription)
        run_on_commit(lambda: _run(subscription))
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_reason == "failures"
    assert subscription.consecutive_failures == 3
    notified = set(Notification.objects.filter(kind="webhooks.disabled").values_list("recipient_id", flat=True))
    assert notified == {owner.pk, co_owner.pk}
    assert AuditEntry.objects.filter(action="webhook.disabled", actor__isnull=True).count() == 1
    # Switched off: nothing more is sent, even when due.
    sent = len(receiver.requests)
    _due_now(subscription)
    assert _run(subscription) == 0
    assert len(receiver.requests) == sent
    # Switched on again by an owner: the waiting delivery goes out.
    receiver.fail_first = 0
    services.subscription_enable(actor=owner, subscription=subscription)
    _run(subscription)
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


def test_a_success_resets_the_failure_count(receiver, community, owner, run_on_commit, settings):
    settings.WEBHOOK_DISABLE_AFTER = 3
    subscription = subscribe(owner, receiver.url, community=community)
    for _ in range(3):
        receiver.fail_first = 2
        run_on_commit(lambda: write_post(owner, community))
        _due_now(subscription)
        _run(subscription)
        subscription.refresh_from_db()
        assert subscription.is_active
        assert subscription.consecutive_failures == 0 or subscription.consecutive_failures < 3
        _due_now(subscription)
        _run(subscription)
    subscription.refresh_from_db()
    assert subscription.is_active
    assert subscription.consecutive_failures == 0


def test_a_url_that_turns_private_fails_the_attempt(receiver, community, owner, run_on_commit, settings):
    subscription = subscribe(owner, receiver.url, community=community)
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    run_on_commit(lambda: write_post(owner, community))
    delivery = Delivery.objects.get()
    assert delivery.status_codes == [0]
    assert delivery.last_error == "refused: private"
    assert receiver.requests == []
    assert subscription.deliveries.count() == 1


def test_the_sweep_sends_what_no_task_message_announced(receiver, community, owner, run_on_commit, settings):
    from integrations.webhooks.jobs import deliveries_sweep

    subscription = subscribe(owner, receiver.url, community=community)
    receiver.fail_first = 1
    run_on_commit(lambda: write_post(owner, community))
    assert deliveries_sweep() == 0  # waiting for its retry: not due
    _due_now(subscription)
    assert deliveries_sweep() == 1
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


# Managing subscriptions ----------------------------------------------------------------------------


def test_the_test_event_is_signed_and_audited(receiver, community, owner):
    subscription = subscribe(owner, receiver.url, community=community)
    delivery = services.subscription_send_test(actor=owner, subscription=subscription)
    _run(subscription)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    body = json.loads(receiver.requests[0].body)
    assert body["type"] == catalogue.TEST_EVENT
    verify_all(receiver, subscription)
    assert AuditEntry.objects.filter(action="webhook.tested", target_id=str(subscription.pk)).exists()


def test_every_change_is_audited(receiver, community, owner):
    subscription = subscribe(owner, receiver.url, community=community)
    pk = subscription.pk
    services.subscription_update(
        actor=owner, subscription=subscription, url=receiver.url + "2", event_types=["post.edited"]
    )
    services.subscription_disable(actor=owner, subscription=subscription)
    services.subscription_enable(actor=owner, subscription=subscription)
    services.subscription_rotate_secret(actor=owner, subscription=subscription)
    services.subscription_delete(actor=owner, subscription=subscription)
    actions = list(
        AuditEntry.objects.filter(target_id=str(pk), action__startswith="webhook.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "webhook.created",
        "webhook.updated",
        "webhook.disabled",
        "webhook.enabled",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]
    assert not Subscription.objects.exists()


def test_secrets_follow_the_standard_webhooks_format(receiver, community, owner):
    import base64

    subscription = subscribe(owner, receiver.url, community=community)
    assert subscription.secret.startswith("whsec_")
    assert 24 <= len(base64.b64decode(subscription.secret.removeprefix("whsec_"))) <= 64
    old = subscription.secret
    services.subscription_rotate_secret(actor=owner, subscription=subscription)
    assert subscription.secret != old


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("https://10.0.0.1/hook", ["post.created"]),
        ("https://localhost/hook", ["post.created"]),
        ("ftp://93.184.215.14/", ["post.created"]),
        ("https://93.184.215.14/hook", []),
        ("https://93.184.215.14/hook", ["post.exploded"]),
        ("https://93.184.215.14/hook", ["meetup.created"]),  # not a community event
    ],
)
def test_unsafe_urls_and_unknown_events_are_refused(community, owner, settings, url, events):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(ValidationError):
        services.subscription_create(actor=owner, url=url, community=community, event_types=events)
    assert not Subscription.objects.exists()


def test_only_owners_and_coordinators_manage_a_communitys_webhooks(receiver, community, owner, member, coordinator):
    manager = add_person(community, role="manager")
    for person in (
        member,
        manager,
        UserFactory.create(),
        scoped_coordinator(Community.objects.create(name="x", slug="x")),
    ):
        with pytest.raises(PermissionDenied):
            subscribe(person, receiver.url, community=community)
    subscribe(coordinator, receiver.url, community=community)
    subscribe(scoped_coordinator(community), receiver.url, community=community)
    subscription = subscribe(owner_of(community), receiver.url, community=community)
    with pytest.raises(PermissionDenied):
        services.subscription_send_test(actor=member, subscription=subscription)
    with pytest.raises(PermissionDenied):
        subscribe(owner, receiver.url)  # platform subscriptions: coordinators only
