"""notify(): idempotent fan-out, delivery from preferences, realtime badge events; mark read."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from intranet.notifications import services
from intranet.notifications.kinds import Delivery, register_kind
from intranet.notifications.models import Notification, Preference
from intranet.notifications.services import notify, resolve_deliveries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KIND = "test.kind"
register_kind(KIND, "Test things", Delivery.IN_APP, lambda p, c: f"{p['who']} did it {c}x", scoped=True)


def _notify(recipients, key="evt:1", **extra):
    extra.setdefault("url", "/somewhere/")
    extra.setdefault("params", {"who": "Anna"})
    return notify(recipient_ids=[u.pk for u in recipients], kind=KIND, event_key=key, **extra)


def test_notify_creates_one_row_per_recipient_and_is_idempotent():
    people = UserFactory.create_batch(3)
    first = _notify(people)
    second = _notify(people)
    assert sorted(first.recipient_ids) == sorted(p.pk for p in people)
    assert second.recipient_ids == []
    assert Notification.objects.count() == 3
    row = Notification.objects.get(recipient=people[0])
    assert (row.kind, row.url, row.params, row.count, row.delivery) == (
        KIND,
        "/somewhere/",
        {"who": "Anna"},
        1,
        "in_app",
    )
    assert row.message == "Anna did it 1x"


def test_notify_skips_the_actor_inactive_people_and_off():
    actor, quiet, gone, reader = UserFactory.create_batch(4)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    Preference.objects.create(user=quiet, kind=KIND, delivery=Delivery.OFF)
    _notify([actor, quiet, gone, reader], actor=actor)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [reader.pk]
    assert Notification.objects.get().actor_id == actor.pk


def test_delivery_prefers_the_scope_override_then_general_then_default():
    default, general, scoped = UserFactory.create_batch(3)
    Preference.objects.create(user=general, kind=KIND, delivery=Delivery.DAILY)
    Preference.objects.create(user=scoped, kind=KIND, delivery=Delivery.DAILY)
    Preference.objects.create(user=scoped, kind=KIND, scope="community:7", delivery=Delivery.WEEKLY)
    got = resolve_deliveries([default.pk, general.pk, scoped.pk], kind=KIND, scope="community:7")
    assert got == {default.pk: "in_app", general.pk: "daily", scoped.pk: "weekly"}
    assert resolve_deliveries([scoped.pk], kind=KIND, scope="community:8") == {scoped.pk: "daily"}


def test_notify_costs_the_same_queries_for_many_recipients(django_assert_num_queries):
    few, many = UserFactory.create_batch(2), UserFactory.create_batch(40)
    with django_assert_num_queries(5):  # savepoint, preferences, insert, unread counts, release
        _notify(few, key="a")
    with django_assert_num_queries(5):
        _notify(many, key="b")


def test_notify_works_in_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    people = UserFactory.create_batch(5)
    assert len(_notify(people).recipient_ids) == 5
    assert Notification.objects.count() == 5


def test_batched_notification_counts_up_and_becomes_unread_again():
    person = UserFactory.create()
    _notify([person], key="post.reactions:1", count=1, batch=True)
    services.notification_mark_all_read(actor=person)
    result = _notify([person], key="post.reactions:1", count=3, batch=True, params={"who": "Ben"})
    row = Notification.objects.get()
    assert result.recipient_ids == [person.pk]
    assert (row.count, row.read_at, row.params["who"]) == (3, None, "Ben")


def test_notify_publishes_the_unread_count_once_per_recipient_after_commit(events, run_on_commit):
    alice, bob = UserFactory.create_batch(2)
    sink_a, sink_b = events(alice.pk), events(bob.pk)
    _notify([alice], key="earlier")
    assert sink_a.received() == []  # not committed: nothing published
    run_on_commit(lambda: _notify([alice, bob], key="now"))
    assert sink_a.received() == [{"type": "notifications.changed", "unread": 2}]
    assert sink_b.received() == [{"type": "notifications.changed", "unread": 1}]
    run_on_commit(lambda: _notify([alice, bob], key="now"))  # nothing new, nothing sent
    assert sink_a.received() == [] and sink_b.received() == []


def test_mark_read_only_by_the_recipient(events, run_on_commit):
    alice, bob = UserFactory.create_batch(2)
    _notify([alice], key="one")
    _notify([alice], key="two")
    first = Notification.objects.filter(recipient=alice).first()
    assert first is not None
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=bob, notification=first)
    sink = events(alice.pk)
    run_on_commit(lambda: services.notification_mark_read(actor=alice, notification=first))
    first.refresh_from_db()
    assert first.read_at is not None
    assert sink.received() == [{"type": "notifications.changed", "unread": 1}]
    assert run_on_commit(lambda: services.notification_mark_all_read(actor=alice)) == 1
    assert sink.received() == [{"type": "notifications.changed", "unread": 0}]
    assert services.notification_mark_all_read(actor=alice) == 0


def test_preference_set_validates_and_stores_only_differences(member, community):
    from communities.core.notify import ANNOUNCEMENT, INVITATION

    scope = f"community:{community.pk}"
    assert services.preference_set(actor=member, kind=ANNOUNCEMENT, delivery="immediate") is None  # the default
    assert not Preference.objects.exists()
    services.preference_set(actor=member, kind=ANNOUNCEMENT, delivery="weekly")
    services.preference_set(actor=member, kind=ANNOUNCEMENT, delivery="off", scope=scope)
    assert set(Preference.objects.values_list("kind", "scope", "delivery")) == {
        (ANNOUNCEMENT, "", "weekly"),
        (ANNOUNCEMENT, scope, "off"),
    }
    services.preference_set(actor=member, kind=ANNOUNCEMENT, delivery="immediate")
    assert list(Preference.objects.values_list("scope", flat=True)) == [scope]
    for bad in (
        {"kind": "no.such.kind", "delivery": "daily"},
        {"kind": ANNOUNCEMENT, "delivery": "hourly"},
        {"kind": ANNOUNCEMENT, "delivery": "daily", "scope": "community:999999"},
        {"kind": INVITATION, "delivery": "daily", "scope": scope},  # not per community
    ):
        with pytest.raises(ValidationError):
            services.preference_set(actor=member, **bad)
    services.preference_remove(actor=member, kind=ANNOUNCEMENT, scope=scope)
    assert not Preference.objects.filter(scope=scope).exists()


def test_preferences_need_a_signed_in_person():
    from django.contrib.auth.models import AnonymousUser

    from intranet.core.viewer import Viewer

    with pytest.raises(PermissionDenied):
        services.preference_set(actor=Viewer(AnonymousUser()), kind=KIND, delivery="daily")
