"""The ``conversation.<id>`` topic over a real websocket: participants only, live messages, typing, presence."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from intranet.messaging import services
from intranet.messaging.models import Participant
from tests.core.ws import open_socket, receive_count, receive_until_marker, subscribe
from tests.messaging.conftest import make_user, send, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def _people(n: int):
    return [await sync_to_async(make_user)() for _ in range(n)]


async def test_only_participants_subscribe_and_missing_looks_the_same():
    anna, ben, olaf = await _people(3)
    conversation = await sync_to_async(start)(anna, [ben], "hi")
    topic = f"conversation.{conversation.pk}"
    outsider, connected, _ = await open_socket(olaf)
    assert connected
    refused = await subscribe(outsider, topic)
    missing = await subscribe(outsider, f"conversation.{conversation.pk + 1000}")
    assert refused["type"] == missing["type"] == "subscribe.refused"
    participant, _, _ = await open_socket(ben)
    assert (await subscribe(participant, topic))["type"] == "subscribed"
    await outsider.disconnect()
    await participant.disconnect()


async def test_participant_receives_the_message_and_the_badge_event_and_outsider_nothing():
    anna, ben, olaf = await _people(3)
    conversation = await sync_to_async(start)(anna, [ben], "first")
    topic = f"conversation.{conversation.pk}"
    ben_socket, _, _ = await open_socket(ben)
    assert (await subscribe(ben_socket, topic))["type"] == "subscribed"
    olaf_socket, _, _ = await open_socket(olaf)
    await subscribe(olaf_socket, topic)
    await receive_until_marker(ben_socket)

    message = await sync_to_async(send)(anna, conversation, "live!")

    received = await receive_until_marker(ben_socket)
    assert {"type": "message.created", "conversation_id": conversation.pk, "message_id": message.pk} in received
    assert {"type": "messages.changed", "unread": 2} in received
    assert all("live!" not in str(event) for event in received)
    assert await receive_until_marker(olaf_socket) == []
    await ben_socket.disconnect()
    await olaf_socket.disconnect()


async def test_typing_is_relayed_to_the_others_and_presence_is_announced():
    anna, ben = await _people(2)
    conversation = await sync_to_async(start)(anna, [ben], "hi")
    topic = f"conversation.{conversation.pk}"
    ben_socket, _, _ = await open_socket(ben)
    await subscribe(ben_socket, topic)
    snapshot = await receive_until_marker(ben_socket)
    assert {"type": "presence.snapshot", "topic": topic, "user_ids": [ben.pk]} in snapshot

    anna_socket, _, _ = await open_socket(anna)
    await subscribe(anna_socket, topic)
    online = {"type": "presence", "topic": topic, "user_id": anna.pk, "online": True}
    assert online in await receive_until_marker(ben_socket)
    await receive_until_marker(anna_socket)

    await anna_socket.send_json_to({"type": "typing", "topic": topic})
    typing = await receive_count(ben_socket, 1)
    assert typing == [{"type": "typing", "topic": topic, "user_id": anna.pk, "name": anna.display_name}]
    assert await receive_until_marker(ben_socket) == []
    assert await receive_until_marker(anna_socket) == []  # not echoed to the sender

    await anna_socket.disconnect()  # returns once the consumer has finished
    offline = {"type": "presence", "topic": topic, "user_id": anna.pk, "online": False}
    assert offline in await receive_until_marker(ben_socket)
    await ben_socket.disconnect()


async def test_leaving_a_group_stops_its_events_at_once():
    anna, ben, carla = await _people(3)
    group = await sync_to_async(start)(anna, [ben, carla], "hi")
    topic = f"conversation.{group.pk}"
    carla_socket, _, _ = await open_socket(carla)
    await subscribe(carla_socket, topic)
    await receive_until_marker(carla_socket)

    row = await sync_to_async(Participant.objects.select_related("conversation").get)(conversation=group, user=carla)
    await sync_to_async(services.conversation_leave)(actor=carla, conversation=group, participant=row)
    left = await receive_until_marker(carla_socket)
    assert {"type": "topic.revoked", "topic": topic} in left
    await sync_to_async(send)(anna, group, "after carla left")
    assert [e for e in await receive_until_marker(carla_socket) if e.get("type") == "message.created"] == []
    await carla_socket.disconnect()
