"""Who may read and write: participants only (404 like a missing conversation), blocks, the group cap."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from intranet.messaging import services
from intranet.messaging.models import Block, Conversation, Message, Participant
from intranet.messaging.realtime import may_receive_conversation
from tests.messaging.conftest import make_user, send, start
from tests.support.pages import comparable

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, list[tuple[int, int]]]:
    return (
        Conversation.objects.count(),
        Message.objects.count(),
        Participant.objects.count(),
        sorted(Participant.objects.values_list("pk", "unread_count")),
    )


@pytest.mark.parametrize(
    "name",
    ["messaging:conversation_detail", "messaging:message_create", "messaging:conversation_leave"],
)
def test_non_participant_gets_the_404_of_a_missing_conversation(client, anna, ben, outsider, name):
    conversation = start(anna, [ben, make_user()], "secret plans")
    missing_pk = conversation.pk + 1000
    client.force_login(outsider)
    method = client.get if name == "messaging:conversation_detail" else client.post
    forbidden = method(reverse(name, kwargs={"pk": conversation.pk}), {"body": "let me in"})
    missing = method(reverse(name, kwargs={"pk": missing_pk}), {"body": "let me in"})
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden.content) == comparable(missing.content)
    assert b"secret plans" not in forbidden.content
    assert Message.objects.count() == 1


def test_non_participant_cannot_fetch_a_message_fragment(client, anna, ben, outsider):
    conversation = start(anna, [ben], "secret")
    message = Message.objects.get()
    client.force_login(outsider)
    url = reverse("messaging:message_fragment", kwargs={"pk": conversation.pk, "message_id": message.pk})
    assert client.get(url).status_code == 404
    # A participant of another conversation cannot read this message through their own one either.
    own = start(outsider, [anna], "mine")
    url = reverse("messaging:message_fragment", kwargs={"pk": own.pk, "message_id": message.pk})
    assert client.get(url).status_code == 404


def test_someone_who_left_a_group_no_longer_reads_it(client, anna, ben, carla):
    conversation = start(anna, [ben, carla])
    services.conversation_leave(actor=carla, conversation=conversation, participant=Participant.objects.get(user=carla))
    client.force_login(carla)
    assert client.get(conversation.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        send(carla, conversation)
    assert not may_receive_conversation(carla, conversation.pk)


def test_service_refuses_a_non_participant(anna, ben, outsider):
    conversation = start(anna, [ben])
    before = _state()
    with pytest.raises(PermissionDenied):
        send(outsider, conversation, "hi")
    assert _state() == before


def test_topic_check_admits_participants_only(anna, ben, outsider):
    conversation = start(anna, [ben])
    assert may_receive_conversation(anna, conversation.pk)
    assert may_receive_conversation(ben, conversation.pk)
    assert not may_receive_conversation(outsider, conversation.pk)
    assert not may_receive_conversation(anna, conversation.pk + 1000)


def test_blocked_person_cannot_start_a_conversation_with_the_blocker(anna, ben):
    services.block_create(actor=anna, blocked=ben)
    before = _state()
    with pytest.raises(ValidationError) as error:
        start(ben, [anna], "hello?")
    assert error.value.messages == ["You cannot send messages to Anna Müller."]
    assert _state() == before


def test_blocked_person_cannot_join_the_blocker_to_a_group(anna, ben, carla):
    services.block_create(actor=anna, blocked=ben)
    before = _state()
    with pytest.raises(ValidationError):
        start(ben, [carla, anna], "hello all")
    assert _state() == before


def test_blocked_person_cannot_message_the_blocker_in_their_existing_conversation(anna, ben):
    conversation = start(ben, [anna], "before the block")
    services.block_create(actor=anna, blocked=ben)
    before = _state()
    with pytest.raises(ValidationError) as error:
        send(ben, conversation, "after the block")
    assert error.value.messages == ["You cannot send messages to this person."]
    assert _state() == before


def test_blocker_is_told_to_unblock_first(anna, ben):
    conversation = start(ben, [anna])
    services.block_create(actor=anna, blocked=ben)
    with pytest.raises(ValidationError) as error:
        send(anna, conversation, "hi")
    assert "Unblock them" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        start(anna, [ben], "hi")
    assert error.value.messages == ["You have blocked Ben Schmidt. Unblock them first to send them messages."]


def test_unblock_allows_messages_again(anna, ben):
    conversation = start(ben, [anna])
    services.block_create(actor=anna, blocked=ben)
    services.block_create(actor=anna, blocked=ben)  # idempotent
    assert Block.objects.count() == 1
    services.block_delete(actor=anna, blocked=ben)
    send(ben, conversation, "we talk again")
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_block_does_not_silence_a_group(anna, ben, carla):
    group = start(anna, [ben, carla])
    services.block_create(actor=anna, blocked=ben)
    send(ben, group, "still in the group")
    assert Message.objects.filter(conversation=group).count() == 2


def test_nobody_blocks_themselves(anna):
    with pytest.raises(PermissionDenied):
        services.block_create(actor=anna, blocked=anna)


def test_group_has_at_most_ten_people(anna):
    nine = [make_user() for _ in range(9)]
    conversation = start(anna, nine)
    assert conversation.participant_count == 10
    before = _state()
    with pytest.raises(ValidationError) as error:
        start(anna, [*nine, make_user()])
    assert error.value.messages == ["A conversation can have at most 10 people, you included."]
    assert _state() == before


def test_inactive_people_cannot_be_added(anna, ben):
    gone = make_user(display_name="Gone Person", is_active=False)
    before = _state()
    with pytest.raises(ValidationError) as error:
        start(anna, [ben, gone])
    assert error.value.messages == ["Gone Person can no longer receive messages."]
    assert _state() == before


def test_nobody_writes_to_themselves_alone(anna):
    with pytest.raises(ValidationError) as error:
        start(anna, [anna])
    assert error.value.messages == ["Choose at least one person to write to."]


def test_empty_and_overlong_messages_are_refused(anna, ben):
    conversation = start(anna, [ben])
    with pytest.raises(ValidationError):
        send(anna, conversation, "   ")
    with pytest.raises(ValidationError):
        send(anna, conversation, "x" * 10_001)
    assert Message.objects.count() == 1
