"""Training's side effects go through the outbox: every event reaches its subscriber, the
appointment receiver only records an event, and a broker outage loses no offer."""

from __future__ import annotations

import datetime as dt

import pytest
from kombu.exceptions import OperationalError

from communities.api import manager_appointed
from intranet.core import outbox
from intranet.core.models import OutboxEvent
from intranet.notifications.models import Notification
from tests.communities.factories import CommunityFactory
from tests.factories import UserFactory
from tests.training.factories import ProgrammeFactory
from training.onboarding import notify as onboarding_notify

pytestmark = pytest.mark.django_db

SUBSCRIBERS = {
    "session_booking.promoted": [("training.sessions.notify_promoted", "queued")],
    "session_booking.reminded": [("training.sessions.notify_reminder", "queued")],
    "training_session.cancelled": [("training.sessions.notify_cancelled", "queued")],
    "certificate.issued": [("training.certificates.notify_issued", "queued")],
    "certificate.revoked": [("training.certificates.notify_revoked", "queued")],
    "certificate.expiry_reminded": [("training.certificates.notify_expiring", "queued")],
    "exam_attempt.graded": [("training.exams.notify_graded", "queued")],
    "user_level.changed": [("training.levels.notify_changed", "queued")],
    "programme_offer.requested": [("training.onboarding.offer_basic_programme", "queued")],
    "programme_step.completed": [("training.certificates.issue_if_complete", "transaction")],
}


def test_every_training_event_has_its_subscriber():
    subscriptions = outbox.subscription_map()
    assert {name: subscriptions.get(name) for name in SUBSCRIBERS} == SUBSCRIBERS


def _offers(user):
    return Notification.objects.filter(recipient=user, kind=onboarding_notify.OFFER)


def test_the_appointment_receiver_only_records_an_event(django_capture_on_commit_callbacks):
    ProgrammeFactory.create(is_basic=True)
    manager = UserFactory.create()
    community = CommunityFactory.create()
    with django_capture_on_commit_callbacks(execute=False):
        manager_appointed.send(sender=None, community_id=community.pk, user_id=manager.pk)
    event = OutboxEvent.objects.get(name="programme_offer.requested")
    assert event.payload == {"user_id": manager.pk, "community_id": community.pk}
    assert not _offers(manager).exists()


def test_a_broker_outage_delays_the_offer_but_loses_nothing(monkeypatch, django_capture_on_commit_callbacks):
    ProgrammeFactory.create(is_basic=True)
    manager = UserFactory.create()

    def broker_down(event_id, sub):
        raise OperationalError("broker unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(outbox, "_eager", lambda: False)  # a real broker, not Celery's inline mode
        patched.setattr(outbox, "_send", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            manager_appointed.send(sender=None, community_id=CommunityFactory.create().pk, user_id=manager.pk)
    assert not _offers(manager).exists()
    assert OutboxEvent.objects.filter(name="programme_offer.requested", relayed_at__isnull=True).count() == 1

    assert outbox.relay_pending(older_than=dt.timedelta(0)) == 1
    assert _offers(manager).count() == 1
    assert not OutboxEvent.objects.filter(name="programme_offer.requested", relayed_at__isnull=True).exists()
    # A second sweep (it may relay the offer notification's own event) offers nothing twice.
    outbox.relay_pending(older_than=dt.timedelta(0))
    assert _offers(manager).count() == 1
