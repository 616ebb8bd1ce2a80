"""Messaging services record outbox events (ids only); realtime.py publishes them after commit."""

from __future__ import annotations

import pytest

from intranet.core import outbox
from intranet.core.models import OutboxEvent
from intranet.messaging import services
from intranet.messaging.models import Participant
from tests.messaging.conftest import send, start

pytestmark = pytest.mark.django_db


def test_subscribers_and_when_they_run():
    subs = outbox.subscription_map()
    assert subs["message.created"] == [("messaging.realtime.message_created", "commit")]
    assert subs["conversation.read"] == [("messaging.realtime.unread_changed", "commit")]
    assert subs["conversation.left"] == [("messaging.realtime.unread_changed", "commit")]


def test_events_carry_ids_and_flags_never_the_text(anna, ben, carla):
    group = start(anna, [ben, carla], "first words")
    message = send(ben, group, "secret words")
    payload = OutboxEvent.objects.filter(name="message.created").latest("id").payload
    assert payload == {
        "conversation_id": group.pk,
        "message_id": message.pk,
        "author_id": ben.pk,
        "author_had_unread": True,
    }
    carla_row = Participant.objects.select_related("conversation").get(conversation=group, user=carla)
    services.conversation_mark_read(actor=carla, participant=carla_row)
    services.conversation_leave(
        actor=carla, conversation=group, participant=Participant.objects.get(conversation=group, user=carla)
    )
    names = list(OutboxEvent.objects.order_by("id").values_list("name", "payload"))
    assert names[-2:] == [
        ("conversation.read", {"conversation_id": group.pk, "user_id": carla.pk}),
        ("conversation.left", {"conversation_id": group.pk, "user_id": carla.pk}),
    ]
    assert all("words" not in str(payload) for _name, payload in names)
