"""A direct message or a new conversation sent twice (double click, resend after a timeout) is sent
once, and the second answer is the first one's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from intranet.messaging.models import Conversation, Message, Participant
from tests.messaging.conftest import start
from tests.support.forms import with_key

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
KEY_INPUT = re.compile(r'name="idempotency_key" value="([0-9a-f-]{36})"')


@pytest.fixture
def anna_client(client, anna):
    client.force_login(anna)
    return client


def test_message_sent_twice_is_stored_once(anna_client, anna, ben):
    conversation = start(anna, [ben])
    url = reverse("messaging:message_create", kwargs={"pk": conversation.pk})
    data = with_key(body="Only once")
    first = anna_client.post(url, data)
    second = anna_client.post(url, data)
    message = Message.objects.get(body_source="Only once")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == message.get_absolute_url()
    assert Participant.objects.get(conversation=conversation, user=ben).unread_count == 2


def test_htmx_send_twice_answers_the_same_message_and_a_fresh_key(anna_client, anna, ben):
    conversation = start(anna, [ben])
    url = reverse("messaging:message_create", kwargs={"pk": conversation.pk})
    data = with_key(body="Quick")
    answers = [anna_client.post(url, data, **HTMX).content.decode() for _ in range(2)]
    message = Message.objects.get(body_source="Quick")
    for html in answers:
        assert html.count("data-message-id=") == 1 and f'data-message-id="{message.pk}"' in html
        # The compose form stays on the page: the answer swaps in a new key for the next message.
        assert 'id="compose-key" hx-swap-oob="true"' in html
        [fresh] = KEY_INPUT.findall(html)
        assert fresh != data["idempotency_key"]


def test_conversation_page_compose_form_carries_a_key(anna_client, anna, ben):
    conversation = start(anna, [ben])
    html = anna_client.get(conversation.get_absolute_url()).content.decode()
    assert len(KEY_INPUT.findall(html)) == 1 and 'id="compose-key"' in html


def test_message_without_key_is_a_400_and_sends_nothing(anna_client, anna, ben):
    conversation = start(anna, [ben])
    url = reverse("messaging:message_create", kwargs={"pk": conversation.pk})
    response = anna_client.post(url, {"body": "no key"})
    assert response.status_code == 400 and "This form is out of date" in response.content.decode()
    response = anna_client.post(url, {"body": "no key"}, **HTMX)
    assert response.status_code == 400 and response["HX-Retarget"] == "#compose-errors"
    assert not Message.objects.filter(body_source="no key").exists()


@pytest.mark.parametrize("recipients", [["ben"], ["ben", "carla"]], ids=["direct", "group"])
def test_conversation_start_sent_twice_starts_once(anna_client, anna, ben, carla, recipients):
    data = with_key(to=recipients, body="Hello there", title="Plans")
    first = anna_client.post(reverse("messaging:conversation_start"), data)
    second = anna_client.post(reverse("messaging:conversation_start"), data)
    conversation = Conversation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == conversation.get_absolute_url()
    assert Message.objects.count() == 1


def test_conversation_start_without_key_is_a_400(anna_client, anna, ben):
    start_page = anna_client.get(reverse("messaging:conversation_start"), {"to": ["ben"]}).content.decode()
    assert len(KEY_INPUT.findall(start_page)) == 1
    response = anna_client.post(reverse("messaging:conversation_start"), {"to": ["ben"], "body": "hi"})
    assert response.status_code == 400 and not Conversation.objects.exists()
