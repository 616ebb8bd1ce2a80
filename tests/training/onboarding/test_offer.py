"""Auto-offer: a newly appointed community manager is invited to the basic programme, once."""

from __future__ import annotations

import pytest

from communities.core.signals import manager_appointed, send_manager_appointed_on_commit
from intranet.notifications.models import Notification
from tests.communities.factories import CommunityFactory
from tests.factories import UserFactory
from tests.training.factories import ProgrammeFactory
from training.models import Certificate, Enrolment
from training.onboarding import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def basic(db):
    ProgrammeFactory.create(title="Not basic")
    ProgrammeFactory.create(title="Unpublished basic", is_basic=True, published=False)
    return ProgrammeFactory.create(title="Community manager basics", is_basic=True)


def offers(user):
    return Notification.objects.filter(recipient=user, kind=notify.OFFER)


def test_new_manager_is_offered_the_basic_programme_once(basic, django_capture_on_commit_callbacks):
    manager = UserFactory.create()
    first, second = CommunityFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        send_manager_appointed_on_commit(community_id=first.pk, user_id=manager.pk)
    note = offers(manager).get()
    assert note.params["programme"] == "Community manager basics"
    assert note.url == basic.get_absolute_url()
    # Appointed in another community, or the signal delivered twice: still one offer.
    # (The receiver records an outbox event; the offer runs once the event is relayed on commit.)
    with django_capture_on_commit_callbacks(execute=True):
        manager_appointed.send(sender=None, community_id=second.pk, user_id=manager.pk)
        manager_appointed.send(sender=None, community_id=first.pk, user_id=manager.pk)
    assert offers(manager).count() == 1


def test_no_offer_when_already_enrolled_or_certified(basic, django_capture_on_commit_callbacks):
    enrolled, certified = UserFactory.create_batch(2)
    Enrolment.objects.create(user=enrolled, programme=basic)
    Certificate.objects.create(user=certified, programme=basic)
    community = CommunityFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        for person in (enrolled, certified):
            manager_appointed.send(sender=None, community_id=community.pk, user_id=person.pk)
    assert not Notification.objects.filter(kind=notify.OFFER).exists()


def test_no_offer_without_a_published_basic_programme(db, django_capture_on_commit_callbacks):
    ProgrammeFactory.create(is_basic=True, published=False)
    manager = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        manager_appointed.send(sender=None, community_id=CommunityFactory.create().pk, user_id=manager.pk)
    assert not offers(manager).exists()


def test_community_creation_offers_the_owner(basic, django_capture_on_commit_callbacks):
    """Through the real community service (h1 sends the signal on commit of the creation)."""
    from communities.core import services

    owner = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        services.community_create(actor=owner, name="Solar Garden")
    assert offers(owner).count() == 1
