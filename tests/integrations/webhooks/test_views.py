"""The webhook pages: who reaches them, 404 for others' subscriptions, forms, buttons, pinned
query counts that stay flat when the lists grow, German and English."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from integrations.webhooks.models import Delivery, Subscription
from intranet.core.models import AuditEntry
from tests.communities.factories import add_person
from tests.factories import UserFactory
from tests.integrations.webhooks.conftest import scoped_coordinator, subscribe
from tests.support.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _add_deliveries(subscription: Subscription, n: int) -> None:
    Delivery.objects.bulk_create(
        [
            Delivery(
                subscription=subscription,
                event_id=10_000 + i + Delivery.objects.count(),
                event_type="post.created",
                payload={"type": "post.created", "data": {}},
                status=Delivery.Status.SUCCEEDED,
                attempts=2,
                status_codes=[500, 200],
                response_excerpt="ok",
            )
            for i in range(n)
        ]
    )


def test_owners_reach_their_communitys_webhooks_members_get_404(client, community, owner, member, receiver):
    url = reverse("webhooks:community_list", kwargs={"slug": community.slug})
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert client.get(reverse("webhooks:community_create", kwargs={"slug": community.slug})).status_code == 404
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Add webhook" in response.content
    settings_page = client.get(reverse("communities:community_settings", kwargs={"slug": community.slug}))
    assert url.encode() in settings_page.content


def test_a_secret_community_answers_404_like_a_missing_one(client, owner, receiver):
    from communities.core import services as community_services

    secret = community_services.community_create(actor=owner, name="Hidden", visibility="secret")
    client.force_login(UserFactory.create())
    hidden = client.get(reverse("webhooks:community_list", kwargs={"slug": secret.slug}))
    missing = client.get(reverse("webhooks:community_list", kwargs={"slug": "no-such-community"}))
    assert hidden.status_code == missing.status_code == 404


def test_others_subscriptions_answer_404_on_every_page(client, community, owner, coordinator, receiver):
    subscription = subscribe(owner, receiver.url, community=community)
    platform = subscribe(coordinator, receiver.url)
    outsider = scoped_coordinator()
    for person in (UserFactory.create(), add_person(community, role="manager"), outsider):
        client.force_login(person)
        for target in (subscription, platform):
            for name in ("subscription_detail", "subscription_edit"):
                assert client.get(reverse(f"webhooks:{name}", kwargs={"pk": target.pk})).status_code == 404
            for name in (
                "subscription_delete",
                "subscription_test",
                "subscription_toggle",
                "subscription_rotate_secret",
            ):
                assert client.post(reverse(f"webhooks:{name}", kwargs={"pk": target.pk})).status_code == 404
    assert Subscription.objects.count() == 2
    assert not AuditEntry.objects.filter(action__in=["webhook.deleted", "webhook.tested"]).exists()
    client.force_login(UserFactory.create())
    assert client.get(reverse("webhooks:platform_list")).status_code == 404


def test_an_owner_creates_tests_and_deletes_a_webhook(
    client, community, owner, receiver, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    response = client.post(
        reverse("webhooks:community_create", kwargs={"slug": community.slug}),
        {"url": receiver.url, "description": "Chat bridge", "event_types": ["post.created", "membership.joined"]},
    )
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == subscription.get_absolute_url()
    assert subscription.community == community
    assert subscription.event_types == ["membership.joined", "post.created"]
    page = client.get(subscription.get_absolute_url())
    assert subscription.secret.encode() in page.content
    client.post(reverse("webhooks:subscription_test", kwargs={"pk": subscription.pk}))
    assert [r.status for r in receiver.requests] == [200]
    page = client.get(subscription.get_absolute_url())
    assert b"webhook.test" in page.content and b">200<" in page.content
    client.post(reverse("webhooks:subscription_toggle", kwargs={"pk": subscription.pk}), {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.is_active
    response = client.post(reverse("webhooks:subscription_delete", kwargs={"pk": subscription.pk}))
    assert response.status_code == 302
    assert not Subscription.objects.exists()


def test_an_unsafe_url_is_refused_on_the_form(client, community, owner, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    client.force_login(owner)
    response = client.post(
        reverse("webhooks:community_create", kwargs={"slug": community.slug}),
        {"url": "https://169.254.169.254/latest/meta-data", "event_types": ["post.created"]},
    )
    assert response.status_code == 400
    assert b"public address" in response.content
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"url": "", "event_types": ["post.created"]},
        {"url": "https://93.184.215.14/", "event_types": ["nope"]},
        {"url": "https://93.184.215.14/", "event_types": ["meetup.created"]},
        {"url": "x" * 3000, "event_types": ["post.created"]},
        {"url": "https://93.184.215.14/\x00", "event_types": ["post.created"]},
    ],
)
def test_malformed_input_answers_400(client, community, owner, data):
    client.force_login(owner)
    response = client.post(reverse("webhooks:community_create", kwargs={"slug": community.slug}), data)
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_a_bad_cursor_and_a_bad_toggle_answer_400(client, community, owner, receiver):
    subscription = subscribe(owner, receiver.url, community=community)
    client.force_login(owner)
    assert client.get(subscription.get_absolute_url() + "?cursor=forged").status_code == 400
    toggle = reverse("webhooks:subscription_toggle", kwargs={"pk": subscription.pk})
    assert client.post(toggle, {"active": "maybe"}).status_code == 400


def test_the_console_lists_platform_webhooks_in_german(client, coordinator, receiver):
    subscribe(coordinator, receiver.url)
    client.force_login(coordinator)
    with translation.override("de"):
        response = client.get(reverse("webhooks:platform_list"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert "Webhook hinzufügen".encode() in response.content


# Query counts --------------------------------------------------------------------------------------


def test_the_delivery_log_costs_the_same_for_one_and_many_rows(client, community, owner, receiver):
    subscription = subscribe(owner, receiver.url, community=community)
    client.force_login(owner)
    url = subscription.get_absolute_url()
    client.get(url)
    assert_constant_queries(
        add_rows=lambda n: _add_deliveries(subscription, n),
        action=lambda: client.get(url),
        expected=DETAIL_QUERIES,
    )


def test_the_community_list_costs_the_same_for_one_and_many_rows(client, community, owner, receiver):
    client.force_login(owner)
    url = reverse("webhooks:community_list", kwargs={"slug": community.slug})
    client.get(url)
    assert_constant_queries(
        add_rows=lambda n: [subscribe(owner, receiver.url, community=community) for _ in range(n)],
        action=lambda: client.get(url),
        expected=COMMUNITY_LIST_QUERIES,
    )


def test_the_platform_list_costs_the_same_for_one_and_many_rows(client, coordinator, receiver):
    client.force_login(coordinator)
    url = reverse("webhooks:platform_list")
    client.get(url)
    assert_constant_queries(
        add_rows=lambda n: [subscribe(UserFactory.create(is_staff=True), receiver.url) for _ in range(n)],
        action=lambda: client.get(url),
        expected=PLATFORM_LIST_QUERIES,
    )


DETAIL_QUERIES = 4  # user, role map, subscription (with community and creator), one page of deliveries
COMMUNITY_LIST_QUERIES = 4  # user, role map, community, one page of subscriptions
PLATFORM_LIST_QUERIES = 3  # user, role map (with permissions), one page of subscriptions
